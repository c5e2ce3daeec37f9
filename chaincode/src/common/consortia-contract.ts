// SPDX-License-Identifier: Apache-2.0
// What every Consortia contract shares: a call to a function the contract does
// not have fails with UNKNOWN_FUNCTION, naming the contract.
import { Contract, type Context } from 'fabric-contract-api';
import { ChaincodeError, ErrorCode } from './errors';

export abstract class ConsortiaContract extends Contract {
  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw new ChaincodeError(
      ErrorCode.UNKNOWN_FUNCTION,
      `${this.getName()} has no function ${fcn}`,
    );
  }
}
