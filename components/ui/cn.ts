import { clsx, type ClassValue } from 'clsx';

/** Joins class names; the one helper every primitive uses. */
export function cn(...values: ClassValue[]): string {
  return clsx(values);
}
