import { logout } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as login from '#lib/server/people/login.ts';

export const POST = endpoint(logout, async ({ services, caller }) => login.logout(services, caller));
