// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { ApiError, errorAnswerOf, serviceErrors } from '../../src/http/errors';

class OwnError extends Error {}
class LateError extends Error {}

describe('serviceErrors: a service mapping its own errors onto the common envelope', () => {
  const { errorAnswer } = serviceErrors(
    'example',
    (error) => (error instanceof OwnError ? errorAnswerOf(409, 'OWN', error.message) : undefined),
    {
      after: (error) =>
        error instanceof LateError || error instanceof ApiError
          ? errorAnswerOf(400, 'LATE', 'late')
          : undefined,
    },
  );

  it("answers the service's own errors first", () => {
    assert.deepEqual(errorAnswer(new OwnError('mine')), errorAnswerOf(409, 'OWN', 'mine'));
  });

  it("then an ApiError's answer and the body parser's refusals, before `after`", () => {
    const answer = errorAnswer(new ApiError(404, 'GONE', 'gone', { id: 'x' }, { 'X-A': '1' }));
    assert.deepEqual(answer, {
      ...errorAnswerOf(404, 'GONE', 'gone', { id: 'x' }),
      headers: { 'X-A': '1' },
    });
    const tooLarge = errorAnswer(Object.assign(new Error('big'), { type: 'entity.too.large' }));
    assert.equal(tooLarge.body.error.code, 'BODY_TOO_LARGE');
    assert.equal(errorAnswer(new LateError('x')).body.error.code, 'LATE');
  });

  it('else 500 INTERNAL naming the service, nothing of the failure', () => {
    assert.deepEqual(
      errorAnswer(new Error('secret')),
      errorAnswerOf(500, 'INTERNAL', 'the example could not handle this request'),
    );
  });
});
