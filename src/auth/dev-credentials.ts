import type { CredentialService } from './credential-service.js';

/**
 * The well-known development credential `serve --dev` makes sure exists, as Azure's storage
 * emulator has its well-known account. Public by design and documented in the README: never
 * use it on anything reachable from another machine, which is why `--dev` listens only on
 * loopback, and why it works only in development mode. Its AK is reserved for it.
 */
export const devCredentials = Object.freeze({
  ak: 'SCALELOGDEVACCESSKEY',
  sk: 'scalelog-dev-secret-key-not-for-production',
  projectId: '5ca1e1090000000000000000000000de',
});

/**
 * `service` as a server outside development mode uses it: the development AK does not exist
 * for verification, so a store once served with `--dev` does not open a public door when it
 * is later served on a real address. Everything else passes through.
 */
export function withoutDevCredential(service: CredentialService): CredentialService {
  // Delegates method by method: `service` may be a class instance, whose methods a spread
  // would not copy.
  return {
    createCredential: (input) => service.createCredential(input),
    listCredentials: (projectId) => service.listCredentials(projectId),
    deleteCredential: (ak) => service.deleteCredential(ak),
    countCredentials: () => service.countCredentials(),
    lookupAccessKey: (ak) =>
      ak === devCredentials.ak ? Promise.resolve(undefined) : service.lookupAccessKey(ak),
    lookupClientLockout: (ak, client, nowMs) => service.lookupClientLockout(ak, client, nowMs),
    recordSignatureFailure: (ak, client, nowMs) =>
      service.recordSignatureFailure(ak, client, nowMs),
    recordSignatureSuccess: (ak, client) => service.recordSignatureSuccess(ak, client),
    listClientLockouts: (nowMs, ak) => service.listClientLockouts(nowMs, ak),
    createToken: (input) => service.createToken(input),
    lookupToken: (token) => service.lookupToken(token),
    revokeToken: (token) => service.revokeToken(token),
  };
}
