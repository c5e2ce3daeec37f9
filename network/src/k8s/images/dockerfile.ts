// SPDX-License-Identifier: Apache-2.0
/**
 * What the final stage of a Dockerfile puts in its image: the paths it copies and the runtime
 * settings. Enough of the syntax for the repository's own Dockerfiles (one instruction per line,
 * `\` continuations, exec-form CMD), so a test can hold them and the Docker-free builder to the
 * same layout.
 */
export interface FinalStage {
  env: Record<string, string>;
  workingDir?: string;
  user?: string;
  exposedPorts: string[];
  cmd?: string[];
  /** Destination paths (absolute) of COPY instructions, with the stage they come from. */
  copies: { from?: string; source: string; destination: string }[];
}

function instructions(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export function parseFinalStage(text: string): FinalStage {
  const lines = instructions(text);
  const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  const stage: FinalStage = { env: {}, exposedPorts: [], copies: [] };
  let workingDir = '/';
  for (const line of lines.slice(lastFrom + 1)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword.toUpperCase()) {
      case 'ENV': {
        const match = /^(\S+?)[= ](.*)$/.exec(args);
        if (match?.[1]) stage.env[match[1]] = (match[2] ?? '').trim();
        break;
      }
      case 'WORKDIR':
        workingDir = args.startsWith('/') ? args : `${workingDir.replace(/\/$/, '')}/${args}`;
        stage.workingDir = workingDir;
        break;
      case 'USER':
        stage.user = args;
        break;
      case 'EXPOSE':
        stage.exposedPorts.push(...rest.map((port) => (port.includes('/') ? port : `${port}/tcp`)));
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
      case 'COPY': {
        const from = rest.find((part) => part.startsWith('--from='))?.slice('--from='.length);
        const paths = rest.filter((part) => !part.startsWith('--'));
        const destination = paths.at(-1) ?? '';
        const absolute = destination.startsWith('/')
          ? destination
          : `${workingDir.replace(/\/$/, '')}/${destination.replace(/^\.\//, '')}`;
        for (const source of paths.slice(0, -1)) {
          stage.copies.push({ from, source, destination: absolute.replace(/\/$/, '') });
        }
        break;
      }
      default:
        break;
    }
  }
  return stage;
}
