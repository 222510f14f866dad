// Page-level notices (success, error) shown above the content.
import { createContext, useContext } from 'react';

export interface Flash {
  type: 'success' | 'error' | 'info' | 'warning';
  text: string;
}

export const FlashContext = createContext<(f: Flash) => void>(() => {});
export function useFlash() {
  return useContext(FlashContext);
}
