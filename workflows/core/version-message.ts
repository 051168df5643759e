import { z } from 'zod';

// What a person says about a saved version ("Raised the trees to 60"): optional, one short text.

export const VERSION_MESSAGE_MAX = 500;

/** A version message as every boundary takes it: trimmed, at most 500 characters; blank means none. */
export const versionMessageSchema = z
  .string()
  .trim()
  .max(VERSION_MESSAGE_MAX, `A version message is at most ${VERSION_MESSAGE_MAX} characters`)
  .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'A version message cannot hold control characters')
  .transform((s) => (s === '' ? undefined : s));

/** The message of a restored version. */
export const restoredMessage = (version: number) => `Restored from version ${version}`;
