/** One penguin as a predict request's row (a heavy male Gentoo), with any feature overridden. */
export const penguin = (over: Record<string, unknown> = {}) => ({
  Island: 'Biscoe',
  'Beak Length (mm)': 48.6,
  'Beak Depth (mm)': 16,
  'Flipper Length (mm)': 230,
  'Body Mass (g)': 5800,
  Sex: 'MALE',
  ...over,
});
