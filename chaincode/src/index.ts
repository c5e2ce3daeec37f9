// The contracts this chaincode serves; fabric-shim reads this export.
export const contracts: unknown[] = [];
