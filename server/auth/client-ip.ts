/**
 * The header carrying the client's address as the web server saw it (server/launcher/web-server.ts sets it
 * on every request, replacing any value the client sent). Rate limits, sessions and the audit log read it.
 */
export const CLIENT_IP_HEADER = 'x-millrace-client-ip';
