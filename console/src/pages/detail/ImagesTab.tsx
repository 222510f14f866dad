// An image task's per-image records.
import { useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { api } from '../../api/client';
import type { ImageRecord } from '../../api/types';
import { useLang } from '../../i18n';
import { en, type MessageKey } from '../../i18n/en';
import { bytes, time } from '../../format';
import { Breakable } from '../../components/Breakable';

const KIND: Record<string, StatusIndicatorProps.Type> = {
  copied: 'success',
  'up-to-date': 'success',
  failed: 'error',
  'would-copy': 'pending',
};

export function ImagesTab({ taskId, changes }: { taskId: string; changes: number }) {
  const { t, lang } = useLang();
  const [images, setImages] = useState<ImageRecord[]>([]);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let stale = false;
    api<{ images: ImageRecord[] }>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}/images`).then(
      (a) => {
        if (stale) return;  // an older answer must not overwrite a newer one
        setImages(a.images);
        setLoading(false);
      },
      () => setLoading(false),
    );
    return () => {
      stale = true;
    };
  }, [taskId, changes]);
  return (
    <Table
      items={images}
      loading={loading}
      loadingText={t('common.loading')}
      header={<Header counter={`(${images.length})`}>{t('detail.images')}</Header>}
      empty={<Box textAlign="center">{t('detail.noImages')}</Box>}
      ariaLabels={{ tableLabel: t('detail.images') }}
      wrapLines
      columnDefinitions={[
        { id: 'source', header: t('detail.imageSource'), cell: (r) => <Breakable text={r.source} />, isRowHeader: true },
        { id: 'destination', header: t('detail.imageDest'), cell: (r) => <Breakable text={r.destination} /> },
        {
          id: 'status',
          header: t('common.status'),
          minWidth: 130,  // "Up to date" on one line, not "Copi / ed"
          cell: (r) => {
            const key = `detail.imgStatus.${r.status}` as MessageKey;
            return <StatusIndicator type={KIND[r.status] ?? 'info'}>{key in en ? t(key) : r.status}</StatusIndicator>;
          },
        },
        { id: 'error', header: t('detail.objectError'), cell: (r) => r.error ?? t('common.none') },
        { id: 'digest', header: t('detail.digest'), cell: (r) => r.source_digest.slice(0, 19) },
        { id: 'bytes', header: t('detail.bytesDone'), cell: (r) => bytes(r.bytes_copied) },
        { id: 'finished', header: t('detail.finished'), cell: (r) => time(r.finished_at, lang) },
      ]}
    />
  );
}
