// SPDX-License-Identifier: Apache-2.0
/**
 * What a stage of a Dockerfile puts in its image, with what it inherits from the stages it is
 * built `FROM`: the paths it copies and the runtime settings. Enough of the syntax for the
 * repository's own Dockerfile (one instruction per line, `\` continuations, exec-form CMD), so a
 * test can hold each target and the Docker-free builder to the same layout.
 */
export interface StageImage {
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

interface Stage {
  name?: string;
  base: string;
  lines: string[];
}

function stages(text: string): Stage[] {
  const found: Stage[] = [];
  for (const line of instructions(text)) {
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) found.push({ base: from[1] ?? '', name: from[2], lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

/** The image the stage named `target` (by default the last stage) builds. */
export function parseStage(text: string, target?: string): StageImage {
  const all = stages(text);
  const index = target === undefined ? all.length - 1 : all.findIndex((s) => s.name === target);
  if (index < 0) throw new Error(`no stage ${target ?? ''} in the Dockerfile`);
  return stageImage(all.slice(0, index + 1));
}

function stageImage(all: Stage[]): StageImage {
  const stage = all.at(-1);
  if (!stage) throw new Error('the Dockerfile has no stage');
  // a stage built FROM an earlier one starts from what that one holds
  const parent = all.slice(0, -1).findLastIndex((earlier) => earlier.name === stage.base);
  const image: StageImage =
    parent >= 0
      ? structuredClone(stageImage(all.slice(0, parent + 1)))
      : { env: {}, exposedPorts: [], copies: [] };
  let workingDir = image.workingDir ?? '/';
  for (const line of stage.lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword.toUpperCase()) {
      case 'ENV': {
        const match = /^(\S+?)[= ](.*)$/.exec(args);
        if (match?.[1]) image.env[match[1]] = (match[2] ?? '').trim();
        break;
      }
      case 'WORKDIR':
        workingDir = args.startsWith('/') ? args : `${workingDir.replace(/\/$/, '')}/${args}`;
        image.workingDir = workingDir;
        break;
      case 'USER':
        image.user = args;
        break;
      case 'EXPOSE':
        image.exposedPorts.push(...rest.map((port) => (port.includes('/') ? port : `${port}/tcp`)));
        break;
      case 'CMD':
        image.cmd = JSON.parse(args) as string[];
        break;
      case 'COPY': {
        const from = rest.find((part) => part.startsWith('--from='))?.slice('--from='.length);
        const paths = rest.filter((part) => !part.startsWith('--'));
        const destination = paths.at(-1) ?? '';
        const absolute = destination.startsWith('/')
          ? destination
          : `${workingDir.replace(/\/$/, '')}/${destination.replace(/^\.\//, '')}`;
        for (const source of paths.slice(0, -1)) {
          image.copies.push({ from, source, destination: absolute.replace(/\/$/, '') });
        }
        break;
      }
      default:
        break;
    }
  }
  return image;
}
