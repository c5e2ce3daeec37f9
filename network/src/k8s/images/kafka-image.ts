// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../errors';
import { KAFKA_VERSION, kafkaHome } from '../../install/kafka';
import { LOG4J_PROPERTIES } from '../../kafka/broker';
import type { ImageBuildContext } from './app-images';
import { finish, PATH_ENV, place, workDir } from './app-images';
import { debianBaseLayer } from './base-image';
import type { BuiltImage } from './node-images';
import { layerFromDirectory } from './oci';

/** Where the apache/kafka image keeps its JVM and Kafka, so the chart's start script finds them. */
export const KAFKA_IMAGE_LAYOUT = {
  name: `docker.io/apache/kafka:${KAFKA_VERSION}`,
  javaHome: '/opt/java/openjdk',
  kafkaHome: '/opt/kafka',
  /** The scripts the ordering-service chart's start.sh runs. */
  scripts: ['bin/kafka-server-start.sh', 'bin/kafka-storage.sh'],
  /** apache/kafka's own unprivileged user id. */
  user: '1000',
} as const;

/** The machine's Java home (the JDK whose `java` is on PATH), resolved through its links. */
export function machineJavaHome(javaOnPath: string | undefined): string {
  if (!javaOnPath)
    throw new UserError('java is not installed', 'apt-get install openjdk-17-jre-headless');
  return path.dirname(path.dirname(fs.realpathSync(javaOnPath)));
}

/** A script that runs one Kafka main class with the image's JVM and the jars `consortia install kafka` fetched. */
function launcher(mainClass: string, withLogging: boolean): string {
  const { javaHome, kafkaHome: dir } = KAFKA_IMAGE_LAYOUT;
  const logging = withLogging
    ? ` -Dlog4j.configuration=file:${dir}/config/log4j.properties -Dkafka.logs.dir="\${LOG_DIR:-${dir}/logs}"`
    : '';
  return `#!/bin/bash
exec ${javaHome}/bin/java \${KAFKA_HEAP_OPTS:--Xmx512m}${logging} -cp '${dir}/libs/*' ${mainClass} "$@"
`;
}

function whichJava(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'java');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Kafka broker image the ordering-service chart names (apache/kafka), from the Debian base,
 * the machine's JVM and Kafka's jars: `bin/kafka-server-start.sh` and `bin/kafka-storage.sh`
 * where the official image has them, as the chart's start script calls them.
 */
export async function kafkaImage(context: ImageBuildContext): Promise<BuiltImage> {
  const { name, javaHome, kafkaHome: dir, user } = KAFKA_IMAGE_LAYOUT;
  context.progress(`image ${name}`);
  const base = await debianBaseLayer(context.home, context.progress);
  const libs = path.join(kafkaHome(context.home), 'libs');
  if (!fs.existsSync(libs))
    throw new UserError('Kafka is not installed', 'run `consortia install kafka`');
  const stage = workDir(context.home, 'kafka');
  // the JDK's optional links (sources, man pages) may point at packages not installed: left out
  fs.cpSync(machineJavaHome(whichJava()), path.join(stage, javaHome.slice(1)), {
    recursive: true,
    dereference: true,
    filter: (source) => fs.existsSync(source),
  });
  place(libs, stage, `${dir.slice(1)}/libs`);
  const scripts = path.join(stage, dir.slice(1), 'bin');
  fs.mkdirSync(scripts, { recursive: true });
  fs.writeFileSync(path.join(scripts, 'kafka-server-start.sh'), launcher('kafka.Kafka', true), {
    mode: 0o755,
  });
  fs.writeFileSync(
    path.join(scripts, 'kafka-storage.sh'),
    launcher('kafka.tools.StorageTool', false),
    { mode: 0o755 },
  );
  fs.mkdirSync(path.join(stage, dir.slice(1), 'config'), { recursive: true });
  fs.writeFileSync(path.join(stage, dir.slice(1), 'config', 'log4j.properties'), LOG4J_PROPERTIES);
  fs.mkdirSync(path.join(stage, dir.slice(1), 'logs'), { recursive: true, mode: 0o777 });
  fs.chmodSync(path.join(stage, dir.slice(1), 'logs'), 0o777);
  const layer = layerFromDirectory(stage, `${stage}.tar`);
  return finish(context.home, 'kafka', name, [base, layer], {
    cmd: [`${dir}/bin/kafka-server-start.sh`, `${dir}/config/server.properties`],
    env: [`${PATH_ENV}:${javaHome}/bin`, `JAVA_HOME=${javaHome}`],
    user,
    workingDir: dir,
    exposedPorts: ['9092/tcp'],
  });
}
