import type { Permission } from '../auth/permissions';

/**
 * The API's OpenAPI 3.0 document. It is the contract in both directions: express-openapi-validator
 * checks every request against it, and each operation names the permission it requires
 * (`x-permission`) or declares itself public (`security: []`).
 */

type Schema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-permission'?: Permission;
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: string;
  info: Schema;
  servers?: Schema[];
  tags: Schema[];
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { securitySchemes: Schema; schemas: Record<string, Schema>; parameters: Schema };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const answer = (description: string, schema?: Schema) =>
  schema ? { description, content: json(schema) } : { description };
const error = (description: string) => answer(description, ref('Error'));

const IDENTIFIER = '^[A-Za-z0-9][A-Za-z0-9._:@-]*$';
const USERNAME = '^[a-z0-9][a-z0-9._-]{2,63}$';
const ACCOUNT = '^[0-9a-f]{64}$';
const AMOUNT = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';

const identifier = (description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: IDENTIFIER,
  description,
});
const amount = (description: string) => ({
  type: 'string',
  maxLength: 120,
  pattern: AMOUNT,
  description,
});

const pathParameter = (name: string, schema: Schema, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const queryParameter = (name: string, schema: Schema, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const READ_FAILURES = {
  '400': error('Invalid input; `error.problems` names each field'),
  '401': error('Not authenticated, or the token expired or was tampered with'),
  '403': error('The role lacks the permission'),
  '429': error('Too many requests; see `Retry-After`'),
  '503': error('The mirror database could not be reached'),
  '504': error('`minBlock` was not reached in time (`MIRROR_BEHIND`)'),
};

const WRITE_FAILURES = {
  '400': error('Invalid input, or the chaincode refused an argument (`error.field`)'),
  '401': error('Not authenticated, or the token expired or was tampered with'),
  '403': error('The role lacks the permission, or the caller does not own the asset'),
  '404': error('The asset or account does not exist'),
  '409': error('Already exists, or the idempotency key was used before'),
  '413': error('The request body is too large'),
  '422': error('The chaincode refused the change (e.g. `INSUFFICIENT_FUNDS`)'),
  '429': error('Too many requests; see `Retry-After`'),
  '502': error('The DAPP or the Fabric network failed'),
  '503': error('The DAPP (or the peers behind it) could not be reached'),
  '504': error('The DAPP did not answer in time'),
};

const WRITE_PARAMETERS = [
  parameterRef('mode'),
  parameterRef('wait'),
  parameterRef('waitTimeoutMs'),
  parameterRef('idempotencyKey'),
];

const READ_PARAMETERS = [parameterRef('minBlock'), parameterRef('waitTimeoutMs')];

const writeResponses = (created: boolean) => ({
  [created ? '201' : '200']: answer(
    'Committed on the ledger (sync); `mirror` says whether the mirror has it yet',
    ref('CommittedWrite'),
  ),
  '202': answer(
    'Queued by the DAPP (async), or sent with its outcome unknown (sync); poll `statusUrl`',
    ref('AcceptedWrite'),
  ),
  ...WRITE_FAILURES,
});

const body = (name: string) => ({ required: true, content: json(ref(name)) });

const page = (item: string) => ({
  type: 'object',
  required: ['items', 'page', 'mirror'],
  properties: {
    items: { type: 'array', items: ref(item) },
    page: ref('PageInfo'),
    mirror: ref('Freshness'),
  },
});

export const openApiDocument: OpenApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Consortia app-api',
    version: '1.0.0',
    description:
      'The API behind an organization’s web and mobile portals. Reads come from the ledger mirror that datasync keeps in Postgres (each answer says how fresh it is); writes are relayed to the DAPP, which submits them to Fabric. Authenticate with `POST /v1/auth/login` and send `Authorization: Bearer <accessToken>`.',
  },
  tags: [
    { name: 'auth', description: 'Log in, refresh, log out' },
    { name: 'users', description: 'Users, roles and their Fabric identities (admins)' },
    { name: 'assets', description: 'Assets: reads from the mirror, writes through the DAPP' },
    { name: 'tokens', description: 'The consortium token: balances, transfers, minting' },
    { name: 'ledger', description: 'Write requests, mirrored transactions, mirror status' },
    { name: 'audit', description: 'The audit trail' },
  ],
  security: [{ bearer: [] }],
  paths: {
    '/v1/auth/login': {
      post: {
        operationId: 'login',
        summary: 'Exchange a user name and password for an access and a refresh token',
        description:
          'Repeated failures lock the account for a while (`423 ACCOUNT_LOCKED` with `Retry-After`).',
        tags: ['auth'],
        security: [],
        requestBody: body('LoginRequest'),
        responses: {
          '200': answer('Logged in', ref('TokenPair')),
          '400': error('Invalid input'),
          '401': error('Wrong user name or password (`INVALID_CREDENTIALS`)'),
          '403': error('The account is disabled'),
          '423': error('The account is locked after repeated failures'),
          '429': error('Too many login attempts from this address'),
        },
      },
    },
    '/v1/auth/refresh': {
      post: {
        operationId: 'refreshToken',
        summary: 'Spend a refresh token for a new access token and the next refresh token',
        description:
          'Refresh tokens rotate: each works once. Presenting a spent one ends the whole session.',
        tags: ['auth'],
        security: [],
        requestBody: body('RefreshRequest'),
        responses: {
          '200': answer('New tokens', ref('TokenPair')),
          '400': error('Invalid input'),
          '401': error('Unknown, expired, reused or revoked refresh token'),
          '429': error('Too many requests'),
        },
      },
    },
    '/v1/auth/logout': {
      post: {
        operationId: 'logout',
        summary: 'End the session of a refresh token (its access tokens stop working too)',
        tags: ['auth'],
        security: [],
        requestBody: body('RefreshRequest'),
        responses: {
          '204': answer('Logged out'),
          '400': error('Invalid input'),
          '401': error('Unknown refresh token'),
          '429': error('Too many requests'),
        },
      },
    },
    '/v1/me': {
      get: {
        operationId: 'getMe',
        summary: 'The caller: roles, permissions, Fabric identity',
        tags: ['users'],
        'x-permission': 'profile:read',
        responses: { '200': answer('The caller', ref('Me')), ...READ_FAILURES },
      },
    },
    '/v1/me/password': {
      post: {
        operationId: 'changePassword',
        summary: 'Change one’s own password (other sessions end)',
        tags: ['users'],
        'x-permission': 'profile:write',
        requestBody: body('PasswordChange'),
        responses: {
          '204': answer('Changed'),
          '400': error('Invalid input, or the new password is too weak'),
          '401': error('Not authenticated'),
          '403': error('The role lacks the permission, or the current password is wrong'),
          '429': error('Too many requests'),
        },
      },
    },
    '/v1/roles': {
      get: {
        operationId: 'listRoles',
        summary: 'Roles and the permissions each grants',
        tags: ['users'],
        'x-permission': 'users:read',
        responses: { '200': answer('Roles', ref('RoleList')), ...READ_FAILURES },
      },
    },
    '/v1/users': {
      get: {
        operationId: 'listUsers',
        summary: 'Users, by user name',
        tags: ['users'],
        'x-permission': 'users:read',
        parameters: [
          parameterRef('limit'),
          queryParameter(
            'after',
            { type: 'string', pattern: USERNAME },
            'Continue after this user name (the previous page’s `page.nextCursor`)',
          ),
          queryParameter('role', { type: 'string', maxLength: 64 }, 'Only users with this role'),
          queryParameter('disabled', { type: 'boolean' }, 'Only disabled (or enabled) users'),
        ],
        responses: { '200': answer('Users', ref('UserList')), ...READ_FAILURES },
      },
      post: {
        operationId: 'createUser',
        summary: 'Create a user with roles and, optionally, a DAPP signing identity',
        tags: ['users'],
        'x-permission': 'users:write',
        requestBody: body('NewUser'),
        responses: {
          '201': answer('Created', ref('User')),
          '400': error('Invalid input, unknown role, or weak password'),
          '401': error('Not authenticated'),
          '403': error('The role lacks the permission'),
          '409': error('The user name is taken'),
          '429': error('Too many requests'),
        },
      },
    },
    '/v1/users/{username}': {
      get: {
        operationId: 'getUser',
        summary: 'One user',
        tags: ['users'],
        'x-permission': 'users:read',
        parameters: [parameterRef('username')],
        responses: {
          '200': answer('The user', ref('User')),
          '404': error('No such user'),
          ...READ_FAILURES,
        },
      },
      patch: {
        operationId: 'updateUser',
        summary: 'Disable or enable a user, assign roles, set the Fabric identity or a password',
        description: 'Disabling a user, or setting their password, ends their sessions.',
        tags: ['users'],
        'x-permission': 'users:write',
        parameters: [parameterRef('username')],
        requestBody: body('UserChanges'),
        responses: {
          '200': answer('The updated user', ref('User')),
          '400': error('Invalid input, unknown role, or weak password'),
          '401': error('Not authenticated'),
          '403': error('The role lacks the permission'),
          '404': error('No such user'),
          '409': error('The change would leave no enabled admin (`LAST_ADMIN`)'),
          '429': error('Too many requests'),
        },
      },
    },
    '/v1/assets': {
      get: {
        operationId: 'listAssets',
        summary: 'List and search assets (from the mirror)',
        tags: ['assets'],
        'x-permission': 'assets:read',
        parameters: [
          queryParameter('ownerMsp', identifier('Owner organization'), 'Owner organization'),
          queryParameter('ownerId', identifier('Owner within the organization'), 'Owner'),
          queryParameter('type', identifier('Asset type'), 'Asset type'),
          queryParameter(
            'status',
            { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,31}$' },
            'Asset status',
          ),
          queryParameter(
            'idPrefix',
            { type: 'string', minLength: 1, maxLength: 128, pattern: IDENTIFIER },
            'Asset ids starting with this',
          ),
          {
            name: 'attr',
            in: 'query',
            required: false,
            style: 'form',
            explode: true,
            allowReserved: true,
            description:
              'Public attributes to match, as `name:value`, repeatable: `attr=color:red&attr=size:20` (compared as text)',
            // A list of strings, not a deepObject: an object parameter with free-form properties
            // would stop the validator from refusing unknown query parameters.
            schema: {
              type: 'array',
              maxItems: 10,
              items: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}:', maxLength: 321 },
            },
          },
          queryParameter(
            'updatedAfter',
            { type: 'string', format: 'date-time' },
            'Updated after this time',
          ),
          queryParameter(
            'updatedBefore',
            { type: 'string', format: 'date-time' },
            'Updated before this time',
          ),
          queryParameter(
            'sort',
            {
              type: 'string',
              enum: [
                'id',
                '-id',
                'updatedAt',
                '-updatedAt',
                'createdAt',
                '-createdAt',
                'blockNumber',
                '-blockNumber',
              ],
              default: '-updatedAt',
            },
            'Sort key; `-` for descending',
          ),
          parameterRef('limit'),
          parameterRef('cursor'),
          ...READ_PARAMETERS,
        ],
        responses: { '200': answer('A page of assets', ref('AssetPage')), ...READ_FAILURES },
      },
      post: {
        operationId: 'createAsset',
        summary: 'Create an asset (AssetContract:CreateAsset through the DAPP)',
        description:
          'Members create assets they own (`ownerId` is their user name); operators and admins may name any owner.',
        tags: ['assets'],
        'x-permission': 'assets:write',
        parameters: WRITE_PARAMETERS,
        requestBody: body('NewAsset'),
        responses: writeResponses(true),
      },
    },
    '/v1/assets/{assetId}': {
      get: {
        operationId: 'getAsset',
        summary: 'One asset with its latest changes (from the mirror)',
        tags: ['assets'],
        'x-permission': 'assets:read',
        parameters: [
          parameterRef('assetId'),
          queryParameter(
            'historyLimit',
            { type: 'integer', minimum: 0, maximum: 100, default: 10 },
            'How many of the newest history entries to include',
          ),
          ...READ_PARAMETERS,
        ],
        responses: {
          '200': answer('The asset', ref('AssetAnswer')),
          '404': error('Not in the mirror (yet: pass `minBlock` to wait for a write)'),
          ...READ_FAILURES,
        },
      },
      put: {
        operationId: 'updateAsset',
        summary: 'Replace the attributes and status (AssetContract:UpdateAsset)',
        tags: ['assets'],
        'x-permission': 'assets:write',
        parameters: [parameterRef('assetId'), ...WRITE_PARAMETERS],
        requestBody: body('AssetUpdate'),
        responses: writeResponses(false),
      },
    },
    '/v1/assets/{assetId}/history': {
      get: {
        operationId: 'getAssetHistory',
        summary: 'Every committed version of an asset, newest first (from the mirror)',
        tags: ['assets'],
        'x-permission': 'assets:read',
        parameters: [
          parameterRef('assetId'),
          parameterRef('limit'),
          parameterRef('cursor'),
          ...READ_PARAMETERS,
        ],
        responses: {
          '200': answer('A page of history entries', ref('AssetHistoryPage')),
          ...READ_FAILURES,
        },
      },
    },
    '/v1/assets/{assetId}/transfer': {
      post: {
        operationId: 'transferAsset',
        summary: 'Give an asset to another owner (AssetContract:TransferAsset)',
        tags: ['assets'],
        'x-permission': 'assets:write',
        parameters: [parameterRef('assetId'), ...WRITE_PARAMETERS],
        requestBody: body('AssetTransfer'),
        responses: writeResponses(false),
      },
    },
    '/v1/tokens': {
      get: {
        operationId: 'getToken',
        summary: 'The token: name, symbol, decimals, cap, supply (from the mirror)',
        tags: ['tokens'],
        'x-permission': 'tokens:read',
        parameters: READ_PARAMETERS,
        responses: { '200': answer('The token', ref('TokenAnswer')), ...READ_FAILURES },
      },
    },
    '/v1/tokens/account': {
      get: {
        operationId: 'getMyAccount',
        summary: 'The caller’s token account (of their Fabric identity) and its balance',
        tags: ['tokens'],
        'x-permission': 'tokens:read',
        parameters: READ_PARAMETERS,
        responses: {
          '200': answer('The account', ref('AccountAnswer')),
          ...READ_FAILURES,
          '502': error('The DAPP failed'),
          '503': error('The DAPP or the mirror could not be reached'),
        },
      },
    },
    '/v1/tokens/balances': {
      get: {
        operationId: 'listBalances',
        summary: 'Token balances (from the mirror)',
        tags: ['tokens'],
        'x-permission': 'tokens:read',
        parameters: [
          queryParameter('account', { type: 'string', pattern: ACCOUNT }, 'One account'),
          queryParameter('minBalance', amount('Minimum balance'), 'Minimum balance'),
          queryParameter(
            'sort',
            {
              type: 'string',
              enum: ['account', '-account', 'balance', '-balance'],
              default: '-balance',
            },
            'Sort key; `-` for descending',
          ),
          parameterRef('limit'),
          parameterRef('cursor'),
          ...READ_PARAMETERS,
        ],
        responses: { '200': answer('A page of balances', ref('BalancePage')), ...READ_FAILURES },
      },
    },
    '/v1/tokens/balances/{account}': {
      get: {
        operationId: 'getBalance',
        summary: 'One account’s balance (from the mirror; 0 when it never held tokens)',
        tags: ['tokens'],
        'x-permission': 'tokens:read',
        parameters: [
          pathParameter('account', { type: 'string', pattern: ACCOUNT }, 'Account id'),
          ...READ_PARAMETERS,
        ],
        responses: { '200': answer('The balance', ref('BalanceAnswer')), ...READ_FAILURES },
      },
    },
    '/v1/tokens/transfers': {
      post: {
        operationId: 'transferTokens',
        summary: 'Transfer tokens from the caller’s account (TokenContract:Transfer)',
        tags: ['tokens'],
        'x-permission': 'tokens:transfer',
        parameters: WRITE_PARAMETERS,
        requestBody: body('TokenTransfer'),
        responses: writeResponses(true),
      },
    },
    '/v1/tokens/mint': {
      post: {
        operationId: 'mintTokens',
        summary: 'Mint tokens to an account (TokenContract:Mint; needs a minter identity too)',
        tags: ['tokens'],
        'x-permission': 'tokens:mint',
        parameters: WRITE_PARAMETERS,
        requestBody: body('TokenTransfer'),
        responses: writeResponses(true),
      },
    },
    '/v1/requests/{requestId}': {
      get: {
        operationId: 'getRequest',
        summary: 'Status of a write request (async writes); optionally wait for the mirror',
        tags: ['ledger'],
        'x-permission': 'requests:read',
        parameters: [
          pathParameter(
            'requestId',
            { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
            'The request id a write answered',
          ),
          parameterRef('wait'),
          parameterRef('waitTimeoutMs'),
        ],
        responses: {
          '200': answer('The request', ref('RequestStatus')),
          '404': error('No such request (or not the caller’s)'),
          ...READ_FAILURES,
          '502': error('The DAPP failed'),
          '503': error('The DAPP could not be reached'),
        },
      },
    },
    '/v1/transactions': {
      get: {
        operationId: 'listTransactions',
        summary: 'Mirrored ledger transactions, newest first',
        tags: ['ledger'],
        'x-permission': 'transactions:read',
        parameters: [
          queryParameter('txId', { type: 'string', pattern: '^[0-9a-f]{64}$' }, 'One transaction'),
          queryParameter(
            'function',
            { type: 'string', maxLength: 256 },
            'Chaincode function, e.g. `AssetContract:CreateAsset`',
          ),
          queryParameter('creatorMsp', identifier('Submitting organization'), 'Submitter MSP'),
          queryParameter('valid', { type: 'boolean' }, 'Only valid (or invalid) transactions'),
          queryParameter(
            'correlationId',
            { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
            'Transactions of this correlation id (from the ledger, or as relayed by this API)',
          ),
          queryParameter('fromBlock', { type: 'integer', minimum: 0 }, 'From this block'),
          queryParameter('toBlock', { type: 'integer', minimum: 0 }, 'Up to this block'),
          parameterRef('limit'),
          parameterRef('cursor'),
          ...READ_PARAMETERS,
        ],
        responses: {
          '200': answer('A page of transactions', ref('TransactionPage')),
          ...READ_FAILURES,
        },
      },
    },
    '/v1/mirror/status': {
      get: {
        operationId: 'getMirrorStatus',
        summary: 'How far the mirror has synced on the served channel',
        tags: ['ledger'],
        'x-permission': 'mirror:read',
        responses: { '200': answer('The mirror', ref('Freshness')), ...READ_FAILURES },
      },
    },
    '/v1/audit': {
      get: {
        operationId: 'listAudit',
        summary: 'The audit trail, newest first: every write and every denied request',
        tags: ['audit'],
        'x-permission': 'audit:read',
        parameters: [
          queryParameter('username', { type: 'string', maxLength: 64 }, 'Who'),
          queryParameter('action', { type: 'string', maxLength: 64 }, 'Operation id'),
          queryParameter(
            'outcome',
            { type: 'string', enum: ['success', 'accepted', 'denied', 'rejected', 'failed'] },
            'Outcome',
          ),
          queryParameter(
            'correlationId',
            { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
            'Correlation id',
          ),
          queryParameter('from', { type: 'string', format: 'date-time' }, 'From this time'),
          queryParameter('to', { type: 'string', format: 'date-time' }, 'Before this time'),
          parameterRef('limit'),
          parameterRef('cursor'),
        ],
        responses: { '200': answer('A page of entries', ref('AuditPage')), ...READ_FAILURES },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The `accessToken` of `POST /v1/auth/login` or `/v1/auth/refresh`',
      },
    },
    parameters: {
      limit: queryParameter(
        'limit',
        { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        'Page size',
      ),
      cursor: queryParameter(
        'cursor',
        { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' },
        'The previous page’s `page.nextCursor`',
      ),
      minBlock: queryParameter(
        'minBlock',
        { type: 'integer', minimum: 0 },
        'Wait (up to `waitTimeoutMs`) until the mirror has this block: read your own write',
      ),
      waitTimeoutMs: queryParameter(
        'waitTimeoutMs',
        { type: 'integer', minimum: 0, maximum: 60000 },
        'How long to wait for the mirror (default APP_API_WAIT_TIMEOUT_MS)',
      ),
      wait: queryParameter(
        'wait',
        { type: 'boolean', default: false },
        'Answer only once the mirror has the committed block (or the wait times out)',
      ),
      mode: queryParameter(
        'mode',
        { type: 'string', enum: ['sync', 'async'], default: 'sync' },
        '`sync`: answer when committed; `async`: answer 202 once the DAPP queued it',
      ),
      idempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Becomes the request id: the chaincode refuses a second transaction with it (`409 DUPLICATE_REQUEST`)',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
      },
      username: pathParameter('username', { type: 'string', pattern: USERNAME }, 'User name'),
      assetId: pathParameter('assetId', identifier('Asset id'), 'Asset id'),
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { field: { type: 'string' }, message: { type: 'string' } },
                },
              },
              field: { type: 'string', description: 'The argument the chaincode refused' },
              chaincode: { type: 'object', description: 'The chaincode’s own error' },
              source: { type: 'string', description: '`dapp` when the DAPP refused' },
            },
          },
        },
      },
      Freshness: {
        type: 'object',
        description: 'How fresh a read is: the last block the mirror applied',
        properties: {
          channel: { type: 'string' },
          syncedBlock: { type: 'integer', description: '-1 before the first block' },
          lastBlockHash: { type: 'string', nullable: true },
          lastBlockTimestamp: { type: 'string', nullable: true },
          syncedAt: { type: 'string', nullable: true },
        },
      },
      PageInfo: {
        type: 'object',
        properties: {
          limit: { type: 'integer' },
          nextCursor: { type: 'string', nullable: true, description: 'null on the last page' },
        },
      },
      LoginRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 64 },
          password: { type: 'string', minLength: 1, maxLength: 256 },
        },
      },
      RefreshRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['refreshToken'],
        properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
      },
      TokenPair: {
        type: 'object',
        properties: {
          tokenType: { type: 'string', enum: ['Bearer'] },
          accessToken: { type: 'string' },
          expiresIn: { type: 'integer', description: 'Seconds the access token lives' },
          refreshToken: { type: 'string' },
          refreshExpiresIn: { type: 'integer' },
          user: ref('Me'),
        },
      },
      PasswordChange: {
        type: 'object',
        additionalProperties: false,
        required: ['currentPassword', 'newPassword'],
        properties: {
          currentPassword: { type: 'string', minLength: 1, maxLength: 256 },
          newPassword: { type: 'string', minLength: 12, maxLength: 256 },
        },
      },
      User: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          username: { type: 'string' },
          displayName: { type: 'string', nullable: true },
          fabricIdentity: {
            type: 'string',
            nullable: true,
            description: 'The DAPP signing identity (`x-fabric-identity`); null: the default',
          },
          disabled: { type: 'boolean' },
          roles: { type: 'array', items: { type: 'string' } },
          lockedUntil: { type: 'string', nullable: true },
          lastLoginAt: { type: 'string', nullable: true },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
          createdBy: { type: 'string', nullable: true },
        },
      },
      Me: {
        allOf: [
          ref('User'),
          {
            type: 'object',
            properties: { permissions: { type: 'array', items: { type: 'string' } } },
          },
        ],
      },
      UserList: {
        type: 'object',
        properties: { items: { type: 'array', items: ref('User') }, page: ref('PageInfo') },
      },
      RoleList: {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                description: { type: 'string' },
                permissions: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
      NewUser: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password', 'roles'],
        properties: {
          username: { type: 'string', pattern: USERNAME },
          password: { type: 'string', minLength: 12, maxLength: 256 },
          displayName: { type: 'string', minLength: 1, maxLength: 128 },
          roles: {
            type: 'array',
            minItems: 1,
            maxItems: 8,
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$' },
          },
          fabricIdentity: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
        },
      },
      UserChanges: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          displayName: { type: 'string', minLength: 1, maxLength: 128, nullable: true },
          roles: {
            type: 'array',
            minItems: 1,
            maxItems: 8,
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$' },
          },
          disabled: { type: 'boolean' },
          fabricIdentity: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', nullable: true },
          password: { type: 'string', minLength: 12, maxLength: 256 },
        },
      },
      Asset: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          owner: {
            type: 'object',
            properties: { mspId: { type: 'string' }, ownerId: { type: 'string' } },
          },
          status: { type: 'string' },
          attributes: { type: 'object' },
          privateDetailsHash: { type: 'string' },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
          blockNumber: { type: 'integer', description: 'Block of the last change' },
          txId: { type: 'string', description: 'Transaction of the last change' },
        },
      },
      AssetPage: page('Asset'),
      AssetHistoryEntry: {
        type: 'object',
        properties: {
          txId: { type: 'string' },
          blockNumber: { type: 'integer' },
          txIndex: { type: 'integer' },
          timestamp: { type: 'string', nullable: true },
          function: { type: 'string', nullable: true },
          creatorMsp: { type: 'string', nullable: true },
          correlationId: { type: 'string', nullable: true },
          isDelete: { type: 'boolean' },
          asset: { type: 'object', nullable: true, description: 'The version written' },
        },
      },
      AssetHistoryPage: page('AssetHistoryEntry'),
      AssetAnswer: {
        type: 'object',
        properties: {
          asset: ref('Asset'),
          history: { type: 'array', items: ref('AssetHistoryEntry') },
          mirror: ref('Freshness'),
        },
      },
      NewAsset: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'type', 'attributes'],
        properties: {
          id: identifier('Unique asset id'),
          type: identifier('Asset type, e.g. `container`'),
          ownerId: identifier('Owner within the organization (default: the caller’s user name)'),
          attributes: { type: 'object', maxProperties: 100, description: 'Public attributes' },
          privateDetails: {
            type: 'object',
            maxProperties: 100,
            description:
              'Kept in the owner organization’s implicit private collection; only its hash is public',
          },
        },
      },
      AssetUpdate: {
        type: 'object',
        additionalProperties: false,
        required: ['attributes', 'status'],
        properties: {
          attributes: { type: 'object', maxProperties: 100 },
          status: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,31}$' },
          privateDetails: { type: 'object', maxProperties: 100 },
        },
      },
      AssetTransfer: {
        type: 'object',
        additionalProperties: false,
        required: ['newOwnerMspId', 'newOwnerId'],
        properties: {
          newOwnerMspId: identifier('MSP id of the receiving organization'),
          newOwnerId: identifier('Owner within the receiving organization'),
        },
      },
      TokenTransfer: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'amount'],
        properties: {
          to: { type: 'string', pattern: ACCOUNT, description: 'Recipient account id' },
          amount: amount('Decimal amount, e.g. `10.5`'),
        },
      },
      MirrorWait: {
        type: 'object',
        description: 'Whether the mirror has the block of this write',
        properties: {
          waited: { type: 'boolean' },
          reached: { type: 'boolean' },
          syncedBlock: { type: 'integer' },
        },
      },
      CommittedWrite: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          status: { type: 'string', enum: ['committed'] },
          txId: { type: 'string' },
          validationCode: { type: 'string' },
          blockNumber: { type: 'integer' },
          result: { description: 'What the chaincode function returned' },
          replayed: {
            type: 'boolean',
            description: 'true: a retried Idempotency-Key, answered with the first outcome',
          },
          mirror: ref('MirrorWait'),
        },
      },
      AcceptedWrite: {
        type: 'object',
        description:
          'queued: accepted into the queue (async); unknown: sent to the orderer without a ' +
          'verdict yet (it may still commit; follow statusUrl)',
        properties: {
          requestId: { type: 'string' },
          status: { type: 'string', enum: ['queued', 'unknown'] },
          txId: { type: 'string', description: 'With unknown: the transaction that may commit' },
          statusUrl: { type: 'string' },
        },
      },
      RequestStatus: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          action: { type: 'string' },
          username: { type: 'string', description: 'Who made the request' },
          status: {
            type: 'string',
            enum: ['queued', 'submitted', 'unknown', 'committed', 'failed'],
            description: 'committed and failed are final; unknown is settled from the ledger',
          },
          txId: { type: 'string' },
          blockNumber: { type: 'integer' },
          validationCode: { type: 'string' },
          result: {},
          reason: { type: 'object' },
          mirror: ref('MirrorWait'),
        },
      },
      TokenAnswer: {
        type: 'object',
        properties: {
          token: {
            type: 'object',
            properties: {
              initialized: { type: 'boolean' },
              name: { type: 'string', nullable: true },
              symbol: { type: 'string', nullable: true },
              decimals: { type: 'integer' },
              cap: { type: 'string', nullable: true },
              totalSupply: { type: 'string', nullable: true },
              adminMspId: { type: 'string', nullable: true },
            },
          },
          mirror: ref('Freshness'),
        },
      },
      Balance: {
        type: 'object',
        properties: {
          account: { type: 'string' },
          balance: { type: 'string', description: 'Decimal, with the token’s decimals' },
          balanceBaseUnits: { type: 'string' },
          pendingCredits: { type: 'string' },
          pendingCreditCount: { type: 'integer' },
          lastBlock: { type: 'integer' },
        },
      },
      BalancePage: page('Balance'),
      BalanceAnswer: {
        type: 'object',
        properties: { balance: ref('Balance'), mirror: ref('Freshness') },
      },
      AccountAnswer: {
        type: 'object',
        properties: {
          account: { type: 'string' },
          fabricIdentity: { type: 'string', nullable: true },
          balance: ref('Balance'),
          mirror: ref('Freshness'),
        },
      },
      Transaction: {
        type: 'object',
        properties: {
          txId: { type: 'string' },
          blockNumber: { type: 'integer' },
          txIndex: { type: 'integer' },
          type: { type: 'string' },
          timestamp: { type: 'string', nullable: true },
          creatorMsp: { type: 'string', nullable: true },
          chaincode: { type: 'string', nullable: true },
          function: { type: 'string', nullable: true },
          validationCode: { type: 'integer' },
          validationName: { type: 'string' },
          valid: { type: 'boolean' },
          correlationId: { type: 'string', nullable: true },
          blockHash: { type: 'string' },
          events: { type: 'array', items: { type: 'string' } },
        },
      },
      TransactionPage: page('Transaction'),
      AuditEntry: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          occurredAt: { type: 'string' },
          userId: { type: 'string', nullable: true },
          username: { type: 'string', nullable: true },
          roles: { type: 'array', items: { type: 'string' } },
          action: { type: 'string' },
          method: { type: 'string' },
          path: { type: 'string' },
          status: { type: 'integer' },
          outcome: { type: 'string' },
          correlationId: { type: 'string', nullable: true },
          ip: { type: 'string', nullable: true },
          target: { type: 'string', nullable: true },
          requestId: { type: 'string', nullable: true },
          txId: { type: 'string', nullable: true },
          errorCode: { type: 'string', nullable: true },
          detail: {
            type: 'object',
            nullable: true,
            description: 'What the action changed or decided (never passwords or keys)',
          },
        },
      },
      AuditPage: {
        type: 'object',
        properties: { items: { type: 'array', items: ref('AuditEntry') }, page: ref('PageInfo') },
      },
    },
  },
};

/** Every operation of the document with its path and method (the role matrix walks these). */
export function operations(
  document: OpenApiDocument = openApiDocument,
): { path: string; method: HttpMethod; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (Object.entries(item) as [HttpMethod, Operation][]).map(([method, operation]) => ({
      path,
      method,
      operation,
    })),
  );
}

/** Public operations declare `security: []`; every other one needs a bearer token. */
export function isPublic(operation: Pick<Operation, 'security'>): boolean {
  return Array.isArray(operation.security) && operation.security.length === 0;
}
