import { inject } from 'vitest';
import { sendTokenToStack } from './admin-fetch';

// Set-up file of every test file: bare fetches to the test stack act as the test admin (test/support/admin-fetch.ts).

export { anonymousFetch } from './admin-fetch';

const baseUrl = inject('baseUrl');
const tokens = inject('tokens');
// Unit-only runs start no stack and provide nothing.
if (baseUrl && tokens) sendTokenToStack(baseUrl, tokens.admin);
