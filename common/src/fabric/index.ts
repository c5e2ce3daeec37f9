export * from './gateway';
export * from './msp';
