export type { GatewayConnection, GatewayDeadlines, PeerClientOptions } from './gateway';
export { connectGateway, openGateway, peerClient } from './gateway';
export type { GatewayIdentity } from './msp';
export { onlyFile, readMspIdentity } from './msp';
