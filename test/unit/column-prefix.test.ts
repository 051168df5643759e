import { describe, expect, it } from 'vitest';
import { multiWordStart } from '../../components/inspector/column-prefix';

describe('a column name typed over several words', () => {
  it('starts where its first typed word does, quoted or not', () => {
    expect(multiWordStart('SELECT Species, Beak L', 'Beak Length (mm)')).toBe(16);
    expect(multiWordStart('SELECT Species, "Beak L', 'Beak Length (mm)')).toBe(16);
    expect(multiWordStart('WHERE beak length (', 'Beak Length (mm)')).toBe(6);
  });

  it('is not one when the words typed are not the start of the name, or are a single word', () => {
    expect(multiWordStart('SELECT Species, Beak D', 'Beak Length (mm)')).toBeUndefined();
    expect(multiWordStart('SELECT Beak', 'Beak Length (mm)')).toBeUndefined();
    expect(multiWordStart('SELECT xBeak L', 'Beak Length (mm)')).toBeUndefined();
  });
});
