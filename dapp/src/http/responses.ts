// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { ApiError, closedDocument } from '@consortia/common';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import type { Response } from 'express';

import type { z } from './api/kit';
import type { EnrolledUserIdentity, RevokedUserIdentity, UserIdentity } from './api/identities';
import type { RequestStatus, TransactionStatus } from './api/ledger';
import type { AcceptedRequest, CommittedTransaction, QueryResult } from './api/transactions';
import { openApiDocument } from './openapi';

/** Every successful answer's schema, by its component name in the document. */
interface Answers {
  CommittedTransaction: typeof CommittedTransaction;
  AcceptedRequest: typeof AcceptedRequest;
  QueryResult: typeof QueryResult;
  RequestStatus: typeof RequestStatus;
  TransactionStatus: typeof TransactionStatus;
  EnrolledUserIdentity: typeof EnrolledUserIdentity;
  UserIdentity: typeof UserIdentity;
  RevokedUserIdentity: typeof RevokedUserIdentity;
}

export type AnswerName = keyof Answers;
export type AnswerBody<N extends AnswerName> = z.input<Answers[N]>;

let closed: Ajv2020 | undefined;
const validators = new Map<AnswerName, ValidateFunction>();

/** Compiled once, from a closed copy of the document: an undeclared field fails. */
function validatorFor(name: AnswerName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    if (!closed) {
      closed = new Ajv2020({ strict: false, allErrors: true });
      closed.addSchema(closedDocument(openApiDocument), 'closed.json');
    }
    validate = closed.getSchema(`closed.json#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name} in the OpenAPI document`);
    validators.set(name, validate);
  }
  return validate;
}

/** What is wrong with `body` as the answer `name`, or undefined when it matches. */
export function answerProblems(name: AnswerName, body: unknown): string | undefined {
  const validate = validatorFor(name);
  if (validate(body)) return undefined;
  return (validate.errors ?? [])
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

export type SendAnswer = <N extends AnswerName>(
  response: Response,
  status: number,
  name: N,
  body: AnswerBody<N>,
) => void;

/**
 * Sends a successful answer once it matches its schema in a closed copy of the document: an
 * answer carrying anything undeclared is withheld, the caller gets 500 RESPONSE_INVALID and the
 * mismatch is logged. Error answers use the one envelope of the error handler.
 */
export function checkedAnswers(logger: Logger): SendAnswer {
  return (response, status, name, body) => {
    const problems = answerProblems(name, body);
    if (problems !== undefined) {
      logger.error(
        { answer: name, status, problems },
        'answer withheld: it does not match the API document',
      );
      throw new ApiError(
        500,
        'RESPONSE_INVALID',
        'the answer did not match the API document and was withheld',
      );
    }
    response.status(status).json(body);
  };
}
