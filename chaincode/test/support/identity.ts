// SPDX-License-Identifier: Apache-2.0
/** A caller as the contract sees it through ClientIdentity. */
export interface Identity {
  mspId: string;
  /** What ClientIdentity.getID() returns: x509::<subject>::<issuer>. */
  id: string;
  attributes?: Record<string, string>;
}

export function identity(
  mspId: string,
  commonName: string,
  attributes?: Record<string, string>,
): Identity {
  const org = mspId.replace(/MSP$/, '').toLowerCase();
  return {
    mspId,
    id: `x509::/C=US/O=${org}.example.com/CN=${commonName}::/C=US/O=${org}.example.com/CN=ca.${org}.example.com`,
    attributes,
  };
}
