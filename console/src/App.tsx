// The console's frame: top bar (title, language, user), side navigation, and the page of
// the current path. Without a token every path shows the sign-in page.
import { lazy, Suspense, useEffect, useState } from 'react';
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import { useLang } from './i18n';
import { follow, navigate, usePath } from './router';
import { onSignOut, signOut, signedInUser, token } from './api/client';
import { SignIn } from './pages/SignIn';
import { TaskList } from './pages/TaskList';
import { FlashContext, type Flash } from './flash';

const CreateTask = lazy(() => import('./pages/CreateTask'));
const TaskDetail = lazy(() => import('./pages/TaskDetail'));
const Credentials = lazy(() => import('./pages/Credentials'));
const About = lazy(() => import('./pages/About'));

function Page({ path }: { path: string }) {
  const p = path.split('?')[0];
  const edit = p.match(/^\/tasks\/([^/]+)\/edit$/);
  if (p === '/tasks/new') return <CreateTask />;
  if (edit) return <CreateTask editId={decodeURIComponent(edit[1])} />;
  const detail = p.match(/^\/tasks\/([^/]+)$/);
  if (detail) return <TaskDetail id={decodeURIComponent(detail[1])} />;
  if (p === '/credentials') return <Credentials />;
  if (p === '/about') return <About />;
  return <TaskList />;
}

export function App() {
  const { lang, setLang, t } = useLang();
  const path = usePath();
  const [signedIn, setSignedIn] = useState(() => token() !== null);
  const [flashes, setFlashes] = useState<(FlashbarProps.MessageDefinition & { fresh?: boolean })[]>([]);
  useEffect(() => onSignOut(() => setSignedIn(false)), []);
  // A notice lives until the page after the one it was raised on is left (a task created
  // in the wizard is announced on the task's page).
  useEffect(() => setFlashes((list) => list.filter((f) => f.fresh).map((f) => ({ ...f, fresh: false }))), [path]);

  const flash = (f: Flash) => {
    const id = String(Date.now() + Math.random());
    setFlashes((list) => [
      ...list.slice(-2),
      {
        id,
        fresh: true,
        type: f.type,
        content: f.text,
        dismissible: true,
        dismissLabel: t('common.close'),
        onDismiss: () => setFlashes((l) => l.filter((x) => x.id !== id)),
      },
    ]);
  };

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;

  const active = path.startsWith('/tasks/new')
    ? '/tasks/new'
    : path.startsWith('/credentials')
      ? '/credentials'
      : path.startsWith('/about')
        ? '/about'
        : '/tasks';
  return (
    <FlashContext.Provider value={flash}>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ href: '/tasks', title: t('app.title'), onFollow: (e) => follow(e) }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: lang === 'zh' ? '中文' : 'English',
              ariaLabel: `${t('app.language')}: ${lang === 'zh' ? '中文' : 'English'}`,
              items: [
                { id: 'en', text: 'English', lang: 'en' },
                { id: 'zh', text: '中文', lang: 'zh-CN' },
              ],
              onItemClick: (e) => setLang(e.detail.id === 'zh' ? 'zh' : 'en'),
            },
            {
              type: 'menu-dropdown',
              text: signedInUser() ?? '',
              iconName: 'user-profile',
              items: [{ id: 'signout', text: t('app.signOut') }],
              onItemClick: () => void signOut(),
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        ariaLabels={{ navigation: t('nav.navigation') }}
        notifications={<Flashbar items={flashes} />}
        navigation={
          <SideNavigation
            activeHref={active}
            header={{ href: '/tasks', text: t('app.title') }}
            onFollow={follow}
            items={[
              { type: 'link', text: t('nav.tasks'), href: '/tasks' },
              { type: 'link', text: t('nav.createTask'), href: '/tasks/new' },
              { type: 'link', text: t('nav.credentials'), href: '/credentials' },
              { type: 'divider' },
              { type: 'link', text: t('nav.about'), href: '/about' },
              { type: 'link', text: t('nav.api'), href: '/docs', external: true },
            ]}
          />
        }
        content={
          <Suspense fallback={<Spinner size="large" />}>
            <Page path={path} />
          </Suspense>
        }
      />
    </FlashContext.Provider>
  );
}

export { navigate };
