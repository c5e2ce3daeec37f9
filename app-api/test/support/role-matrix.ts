// The access policy as the product promises it, written out independently of the migration that
// implements it: for each operation, the roles that may call it.
export const ALL_ROLES = ['admin', 'operator', 'member', 'auditor'] as const;
export type RoleName = (typeof ALL_ROLES)[number];

const everyone: RoleName[] = [...ALL_ROLES];
const writers: RoleName[] = ['admin', 'operator', 'member'];

export const EXPECTED_ACCESS: Record<string, RoleName[]> = {
  getMe: everyone,
  changePassword: everyone,
  listRoles: ['admin'],
  listUsers: ['admin'],
  createUser: ['admin'],
  getUser: ['admin'],
  updateUser: ['admin'],
  listAssets: everyone,
  getAsset: everyone,
  getAssetHistory: everyone,
  createAsset: writers,
  updateAsset: writers,
  transferAsset: writers,
  getToken: everyone,
  getMyAccount: everyone,
  listBalances: everyone,
  getBalance: everyone,
  transferTokens: writers,
  mintTokens: ['admin', 'operator'],
  getRequest: everyone,
  listTransactions: ['admin', 'operator', 'auditor'],
  getMirrorStatus: everyone,
  listAudit: ['admin', 'auditor'],
};

export const PUBLIC_OPERATIONS = ['login', 'refreshToken', 'logout'];

/** Concrete values for the path parameters of the document's routes. */
export const SAMPLE_PATH_VALUES: Record<string, string> = {
  username: 'nobody-here',
  assetId: 'A001',
  account: 'a'.repeat(64),
  requestId: 'no-such-request',
};

export function concretePath(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = SAMPLE_PATH_VALUES[name];
    if (value === undefined) throw new Error(`no sample value for path parameter ${name}`);
    return value;
  });
}
