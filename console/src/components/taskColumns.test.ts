import { describe, expect, it } from 'vitest';
import { defaultPreferences, loadPreferences, normalize, savePreferences, STORAGE_KEY, TASK_COLUMNS } from './taskColumns';

function memory(initial?: string) {
  const data = new Map<string, string>();
  if (initial !== undefined) data.set(STORAGE_KEY, initial);
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('task list column preferences', () => {
  it('shows what a task is doing and where it copies by default, and wraps long cells', () => {
    const prefs = defaultPreferences();
    expect(prefs.contentDisplay.filter((c) => c.visible).map((c) => c.id)).toEqual([
      'id', 'status', 'progress', 'rate', 'source', 'destination',
    ]);
    expect(prefs.contentDisplay.map((c) => c.id)).toEqual([...TASK_COLUMNS]);
    expect(prefs.wrapLines).toBe(true);
  });

  it('reads back what was saved', () => {
    const storage = memory();
    const chosen = {
      contentDisplay: [
        { id: 'created', visible: true },
        ...defaultPreferences().contentDisplay.filter((c) => c.id !== 'created'),
      ],
      wrapLines: false,
    };
    savePreferences(storage, chosen);
    expect(loadPreferences(storage)).toEqual(chosen);
  });

  it('survives a stored value from another version or no value at all', () => {
    expect(loadPreferences(memory('not json'))).toEqual(defaultPreferences());
    expect(loadPreferences(memory('null'))).toEqual(defaultPreferences());
    expect(loadPreferences(undefined)).toEqual(defaultPreferences());
    const old = normalize({
      contentDisplay: [
        { id: 'schedule', visible: true },
        { id: 'gone', visible: true },  // a column this version does not have
        { id: 'schedule', visible: false },  // a duplicate
        { id: 'id', visible: false },  // the ID column is always shown
        'junk',
      ],
      wrapLines: 'yes',
    });
    expect(old.contentDisplay.slice(0, 2)).toEqual([
      { id: 'schedule', visible: true },
      { id: 'id', visible: true },
    ]);
    // Columns missing from the stored value come after, at their default visibility.
    expect(old.contentDisplay.map((c) => c.id).sort()).toEqual([...TASK_COLUMNS].sort());
    expect(old.contentDisplay.find((c) => c.id === 'created')?.visible).toBe(false);
    expect(old.contentDisplay.find((c) => c.id === 'status')?.visible).toBe(true);
    expect(old.wrapLines).toBe(true);
  });

  it('keeps working when the browser refuses storage', () => {
    const refusing = {
      getItem: () => { throw new Error('denied'); },
      setItem: () => { throw new Error('denied'); },
    };
    expect(loadPreferences(refusing)).toEqual(defaultPreferences());
    expect(() => savePreferences(refusing, defaultPreferences())).not.toThrow();
  });
});
