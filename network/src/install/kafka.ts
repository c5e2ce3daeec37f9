// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { runCommand } from '../process/run-command';
import type { Component, InstallContext } from './component';
import { readInstallRecord, throttled, writeInstallRecord } from './component';
import { componentDir, installLogDir } from './paths';

/** 3.9 is the last Kafka line with the old protocol versions that Fabric's orderer client speaks. */
export const KAFKA_VERSION = '3.9.2';
const SCALA_VERSION = '2.13';
/** Kafka 3.9 logs through SLF4J 1.7 and reload4j, as its own distribution does. */
const SLF4J_VERSION = '1.7.36';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export function kafkaHome(home: string): string {
  return componentDir(home, 'kafka', KAFKA_VERSION);
}

/** The broker's class path: every jar Maven copied, as one wildcard entry. */
export function kafkaClassPath(home: string): string {
  return path.join(kafkaHome(home), 'libs', '*');
}

/** A throwaway project whose only purpose is to let Maven resolve the broker's runtime jars. */
export function kafkaPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.consortia.local</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_VERSION}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

export const kafkaComponent: Component = {
  name: 'kafka',
  version: KAFKA_VERSION,
  summary: `Apache Kafka ${KAFKA_VERSION} broker (Scala ${SCALA_VERSION}) from Maven Central`,
  prerequisites: ['java', 'mvn'],

  isInstalled(home) {
    const dir = kafkaHome(home);
    return (
      readInstallRecord(dir)?.version === KAFKA_VERSION && fs.existsSync(path.join(dir, 'libs'))
    );
  },

  async install(context: InstallContext) {
    const dir = kafkaHome(context.home);
    const libs = path.join(dir, 'libs');
    fs.rmSync(libs, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pom.xml'), kafkaPom());
    const logFile = path.join(installLogDir(context.home), 'kafka.log');
    context.progress(`resolving the broker's jars with Maven (log: ${logFile})`);
    const show = throttled((line) => context.progress(line.replace(/^\[INFO\]\s*/, '')));
    const result = await runCommand(
      'mvn',
      [
        '--batch-mode',
        '--no-transfer-progress',
        '-Dstyle.color=never',
        '-f',
        path.join(dir, 'pom.xml'),
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
      ],
      { env: context.env, logFile, onLine: show },
    );
    if (result.code !== 0) {
      const errors = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('[ERROR]'))
        .slice(0, 8)
        .join('\n');
      throw new UserError(
        `Maven could not fetch Kafka ${KAFKA_VERSION}:\n${errors || result.stderr}`,
        `check that Maven reaches its repository; full log: ${logFile}`,
      );
    }
    const jars = fs.readdirSync(libs).filter((name) => name.endsWith('.jar'));
    context.progress(`${jars.length} jars in ${libs}`);
    writeInstallRecord(dir, 'kafka', KAFKA_VERSION);
  },
};
