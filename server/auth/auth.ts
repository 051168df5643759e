import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { organization } from 'better-auth/plugins/organization';
import { createAccessControl } from 'better-auth/plugins/access';
import { defaultStatements, memberAc, ownerAc } from 'better-auth/plugins/organization/access';
import { getDb } from '../../db/client';
import * as schema from '../../db/schema';
import { config } from '../infra/config';
import { CLIENT_IP_HEADER } from './client-ip';
import type { Role } from './roles';

// Accounts and sessions (better-auth, in Postgres through drizzle). Workspaces are better-auth
// organizations: the plugin's tables are mapped onto `workspaces`, `workspace_members` and
// `workspace_invitations`, so every existing workspace_id foreign key keeps working.

/** What the auth set-up needs from the environment; `authSettings()` reads it from the configuration. */
export interface AuthSettings {
  /** Signs session cookies; 32+ characters. */
  secret: string;
  port: number;
  host: string;
  allowedHosts: readonly string[];
  /** Secure cookies: only when the app is served over https (a LAN http address would drop them). */
  secureCookies: boolean;
  /** Sign-in attempts per address and minute (MILLRACE_RATE_SIGNIN). */
  signInPerMinute?: number;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** Host header values the app answers to, as better-auth host patterns (mirrors server/rest/request-guard.ts). */
export function servedHostPatterns(settings: Pick<AuthSettings, 'port' | 'host' | 'allowedHosts'>): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  const bind = settings.host.trim().toLowerCase();
  if (!WILDCARDS.has(bind)) names.push(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  const direct = [...new Set(names)].map((name) => `${name}:${settings.port}`);
  const proxied = settings.allowedHosts.flatMap((entry) => (/:\d+$/.test(entry) ? [entry] : [entry, `${entry}:*`]));
  return [...direct, ...proxied];
}

/** Role statements for better-auth's own organization endpoints: only admins manage members and invitations. */
const ac = createAccessControl(defaultStatements);
const memberOnly = memberAc.statements;
const workspaceRoles = {
  viewer: ac.newRole(memberOnly),
  editor: ac.newRole(memberOnly),
  deployer: ac.newRole(memberOnly),
  admin: ac.newRole(ownerAc.statements),
} satisfies Record<Role, unknown>;

/** The better-auth options, without the database (so tests can check them against db/schema.ts). */
export function authOptions(settings: AuthSettings) {
  const hosts = servedHostPatterns(settings);
  const protocol = settings.secureCookies ? 'https' : 'http';
  return {
    appName: 'Millrace',
    secret: settings.secret,
    basePath: '/api/auth',
    baseURL: { allowedHosts: hosts, protocol },
    // A name behind a reverse proxy may be served over https while this app sees plain http.
    trustedOrigins: [
      ...hosts.map((host) => `${protocol}://${host}`),
      ...(protocol === 'http' ? settings.allowedHosts.flatMap((entry) => (/:\d+$/.test(entry) ? [`https://${entry}`] : [`https://${entry}`, `https://${entry}:*`])) : []),
    ],
    telemetry: { enabled: false },
    emailAndPassword: {
      // Sign-up stays enabled for server code (the set-up link, accepted invitations); the HTTP route refuses it.
      enabled: true,
      minPasswordLength: 12,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
    },
    // No cookie cache: signing out everywhere and role changes take effect on the next request.
    session: { expiresIn: 7 * 24 * 3600, updateAge: 24 * 3600, modelName: 'sessions' },
    user: {
      modelName: 'users',
      additionalFields: {
        isInstanceAdmin: { type: 'boolean', required: false, defaultValue: false, input: false },
      },
    },
    account: { modelName: 'accounts' },
    verification: { modelName: 'verifications' },
    rateLimit: {
      enabled: true,
      storage: 'memory',
      customRules: {
        '/sign-in/email': { window: 60, max: settings.signInPerMinute ?? 5 },
        '/sign-up/*': { window: 60, max: 3 },
      },
    },
    advanced: {
      database: { generateId: 'uuid' },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      useSecureCookies: settings.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    plugins: [
      organization({
        ac,
        roles: workspaceRoles,
        creatorRole: 'admin',
        // Workspaces are created by instance admins through the tRPC seam, not by better-auth's route.
        allowUserToCreateOrganization: false,
        invitationExpiresIn: 7 * 24 * 3600,
        schema: {
          session: { fields: { activeOrganizationId: 'activeWorkspaceId' } },
          organization: { modelName: 'workspaces' },
          member: { modelName: 'workspaceMembers', fields: { organizationId: 'workspaceId' } },
          invitation: { modelName: 'workspaceInvitations', fields: { organizationId: 'workspaceId' } },
        },
      }),
    ],
  } satisfies BetterAuthOptions;
}

/** The tables better-auth reads and writes, keyed by the model names above. */
export const authSchema = {
  users: schema.users,
  sessions: schema.sessions,
  accounts: schema.accounts,
  verifications: schema.verifications,
  workspaces: schema.workspaces,
  workspaceMembers: schema.workspaceMembers,
  workspaceInvitations: schema.workspaceInvitations,
};

/** Settings from the process configuration; throws when no secret is configured. */
export function authSettings(): AuthSettings {
  const cfg = config();
  if (!cfg.authSecret) {
    throw new Error('No secret for sign-in sessions: set BETTER_AUTH_SECRET (32 or more characters).');
  }
  return {
    secret: cfg.authSecret,
    port: cfg.port,
    host: cfg.host,
    allowedHosts: cfg.allowedHosts,
    secureCookies: cfg.publicUrl?.startsWith('https://') ?? false,
    signInPerMinute: cfg.rateLimits.signIn,
  };
}

function createAuth() {
  return betterAuth({
    ...authOptions(authSettings()),
    database: drizzleAdapter(getDb(), { provider: 'pg', schema: authSchema }),
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __millraceAuth?: Auth };

/** One better-auth instance per process (kept on globalThis so dev hot reload reuses it). */
export function getAuth(): Auth {
  globalForAuth.__millraceAuth ??= createAuth();
  return globalForAuth.__millraceAuth;
}
