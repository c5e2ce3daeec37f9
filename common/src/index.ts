// SPDX-License-Identifier: Apache-2.0
export { ConfigError, env, loadConfig } from './config/env';
export type { KafkaClientOptions, KafkaClientVariables } from './config/kafka';
export { kafkaClientConfig, kafkaClientVariables, readKafkaClientVariables } from './config/kafka';
export type { PostgresVariables } from './config/postgres';
export { postgresUrl, postgresVariables } from './config/postgres';
export type { ServiceAppOptions } from './http/app';
export { serviceApp } from './http/app';
export type { OpenApiShape } from './http/closed-document';
export { closedDocument } from './http/closed-document';
export { correlationMiddleware, CORRELATION_HEADER } from './http/correlation';
export type {
  ErrorAnswer,
  ErrorBody,
  ErrorHandlerOptions,
  ErrorMapping,
  ServiceErrorsOptions,
} from './http/errors';
export {
  ApiError,
  apiErrorAnswer,
  bodyParserAnswer,
  errorAnswerOf,
  errorHandler,
  internalErrorAnswer,
  knownErrorAnswer,
  serviceErrors,
} from './http/errors';
export type { JsonAnswer } from './http/openapi-kit';
export {
  documentOperations,
  errorEnvelope,
  failureAnswers,
  jsonAnswer,
  jsonBody,
  jsonContent,
} from './http/openapi-kit';
export type { CheckResult, ReadinessChecks } from './http/operations';
export { operationsRouter } from './http/operations';
export type { AnsweredRequest, RequestMetricsOptions } from './http/request-metrics';
export { requestMetrics } from './http/request-metrics';
export { closeServer, listen } from './http/server';
export type { CommandAction, CommandLineOptions, OptionValues } from './lifecycle/cli';
export {
  Command,
  CommandLine,
  InvalidArgumentError,
  integerOption,
  repeatedOption,
  USAGE_ERROR,
} from './lifecycle/cli';
export type { RunMainOptions } from './lifecycle/main';
export { runMain } from './lifecycle/main';
export type { Rounds, RoundsOptions } from './lifecycle/rounds';
export { everyInterval } from './lifecycle/rounds';
export type { ServeOptions, StartedService } from './lifecycle/serve';
export { serveUntilSignalled } from './lifecycle/serve';
export type { ShutdownStep } from './lifecycle/shutdown';
export { gracefulShutdown, runShutdownSteps, stopOnce } from './lifecycle/shutdown';
export type { Logger } from './logging/logger';
export { createLogger, currentCorrelationId, withCorrelationId } from './logging/logger';
export type { HttpMetrics } from './metrics/registry';
export { httpMetrics, serviceRegistry } from './metrics/registry';
export type { Database, DatabaseOptions } from './postgres/database';
export { embeddedPassword, openDatabase, unreachableParent } from './postgres/database';
export type { MigrationOptions } from './postgres/migrate';
export { runMigrations } from './postgres/migrate';
export type { CaCredentials, Enrolled, FabricCaEndpoint, Registration } from './fabric-ca/client';
export {
  authToken,
  FabricCaClient,
  FabricCaRequestError,
  FabricCaUnavailableError,
} from './fabric-ca/client';
export {
  answering,
  caUnavailable,
  REVOCATION_REASONS,
  userIdentityFields,
} from './fabric-ca/answers';
export { certificateRequest, lowS, newSigningKey } from './fabric-ca/csr';
export { revokedSerials } from './fabric-ca/crl';
