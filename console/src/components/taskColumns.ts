// The task list's column preferences: which columns show, in what order, and whether
// long cells wrap. Kept in the browser (localStorage), read back defensively: a stored
// value from another version (unknown columns, columns added since, bad JSON) falls back
// to what still makes sense, and the task ID column is always shown.
export const TASK_COLUMNS = [
  'id',
  'status',
  'progress',
  'rate',
  'source',
  'destination',
  'type',
  'schedule',
  'created',
] as const;
export type TaskColumn = (typeof TASK_COLUMNS)[number];

export interface ColumnDisplay {
  id: string;
  visible: boolean;
}
export interface TaskListPreferences {
  contentDisplay: ColumnDisplay[];
  wrapLines: boolean;
}

// What fits at 1280 px beside the navigation: what a task is doing and where it copies.
// Engine type, schedule and creation time are one click away in the preferences.
const HIDDEN_BY_DEFAULT: ReadonlySet<string> = new Set(['type', 'schedule', 'created']);

export const STORAGE_KEY = 'dth.taskList.preferences';

export function defaultPreferences(): TaskListPreferences {
  return {
    contentDisplay: TASK_COLUMNS.map((id) => ({ id, visible: !HIDDEN_BY_DEFAULT.has(id) })),
    wrapLines: true,
  };
}

// A stored value made safe: known columns in the stored order, new ones appended at
// their default visibility, the ID column visible.
export function normalize(value: unknown): TaskListPreferences {
  const defaults = defaultPreferences();
  if (typeof value !== 'object' || value === null) return defaults;
  const v = value as { contentDisplay?: unknown; wrapLines?: unknown };
  const seen = new Set<string>();
  const display: ColumnDisplay[] = [];
  if (Array.isArray(v.contentDisplay)) {
    for (const item of v.contentDisplay) {
      if (typeof item !== 'object' || item === null) continue;
      const { id, visible } = item as { id?: unknown; visible?: unknown };
      if (typeof id !== 'string' || !(TASK_COLUMNS as readonly string[]).includes(id) || seen.has(id)) continue;
      seen.add(id);
      display.push({ id, visible: id === 'id' || visible === true });
    }
  }
  for (const d of defaults.contentDisplay) if (!seen.has(d.id)) display.push(d);
  return {
    contentDisplay: display,
    wrapLines: typeof v.wrapLines === 'boolean' ? v.wrapLines : defaults.wrapLines,
  };
}

export function loadPreferences(storage: Pick<Storage, 'getItem'> | undefined): TaskListPreferences {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    return raw ? normalize(JSON.parse(raw)) : defaultPreferences();
  } catch {
    return defaultPreferences();
  }
}

export function savePreferences(storage: Pick<Storage, 'setItem'> | undefined, prefs: TaskListPreferences) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(normalize(prefs)));
  } catch {
    // A browser that refuses storage keeps the choice for this page only.
  }
}
