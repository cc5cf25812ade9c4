// Thin git access for apply/refresh/status: simple-git for the porcelain questions
// (is this a repository, where is its top), execa for the plumbing that needs stdin or a
// private environment (a temporary index, fixed author/committer identities).
import { execa } from 'execa';
import { simpleGit, type SimpleGit } from 'simple-git';

export class GitError extends Error {
  constructor(
    message: string,
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /** Bytes fed to git's stdin (strings are sent as UTF-8). */
  input?: string | Uint8Array;
  /** Extra environment (merged over process.env). */
  env?: Record<string, string>;
  /** Return the result instead of throwing when git exits non-zero. */
  allowFail?: boolean;
  /** Keep trailing whitespace/newlines of stdout (default: trimmed at the end). */
  raw?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Environment that keeps user and system git configuration out of output we store. */
export const NEUTRAL_CONFIG_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Environment making name <email> both author and committer of a commit, both dated date. */
export function identEnv(name: string, email: string, date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: date,
  };
}

/** One repository (work tree) and the git commands run in it. */
export class Repo {
  readonly sg: SimpleGit;

  constructor(readonly dir: string) {
    this.sg = simpleGit({ baseDir: dir });
  }

  async run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const res = await execa('git', args, {
      cwd: this.dir,
      input: opts.input,
      env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', ...opts.env },
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 1 << 30,
    });
    const stdout = String(res.stdout ?? '');
    const stderr = String(res.stderr ?? '');
    const exitCode = res.exitCode ?? 1;
    if (exitCode !== 0 && !opts.allowFail) {
      throw new GitError(
        `git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || stdout.trim()}`,
        args,
        stderr,
      );
    }
    return { stdout: opts.raw ? stdout : stdout.replace(/\s+$/, ''), stderr, exitCode };
  }

  /** stdout as raw bytes (diffs of files that are not UTF-8 must not be decoded). */
  async bytes(args: string[], opts: RunOptions = {}): Promise<Buffer> {
    const res = await execa('git', args, {
      cwd: this.dir,
      input: opts.input,
      env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', ...opts.env },
      reject: false,
      encoding: 'buffer',
      maxBuffer: 1 << 30,
    });
    if (res.exitCode !== 0) {
      const stderr = Buffer.from(res.stderr ?? '').toString();
      throw new GitError(`git ${args.join(' ')} failed (exit ${res.exitCode}): ${stderr.trim()}`, args, stderr);
    }
    return Buffer.from(res.stdout ?? new Uint8Array());
  }

  async out(args: string[], opts: RunOptions = {}): Promise<string> {
    return (await this.run(args, opts)).stdout;
  }

  /** True when `git args` exits 0. */
  async ok(args: string[], opts: RunOptions = {}): Promise<boolean> {
    return (await this.run(args, { ...opts, allowFail: true })).exitCode === 0;
  }

  /** The commit a revision names, or undefined. */
  async resolve(rev: string): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
      allowFail: true,
    });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /** The current branch name, or undefined when HEAD is detached. */
  async currentBranch(): Promise<string | undefined> {
    const r = await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFail: true });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  async branchExists(name: string): Promise<boolean> {
    return this.ok(['show-ref', '--verify', '--quiet', `refs/heads/${name}`]);
  }

  async subject(rev: string): Promise<string> {
    return this.out(['log', '-1', '--format=%s', rev]);
  }

  async isAncestor(a: string, b: string): Promise<boolean> {
    return this.ok(['merge-base', '--is-ancestor', a, b]);
  }

  /** Commits in from..to, oldest first. */
  async revList(from: string, to: string): Promise<string[]> {
    const out = await this.out(['rev-list', '--reverse', `${from}..${to}`]);
    return out ? out.split('\n') : [];
  }

  /** `git patch-id --stable` of a diff ('' when the diff is empty). */
  async patchId(diff: string | Uint8Array): Promise<string> {
    const out = await this.out(['patch-id', '--stable'], { input: diff });
    return out.split(' ')[0] ?? '';
  }
}

/** The top of the git work tree that contains dir, or undefined if dir is not in one. */
export async function workTreeTop(dir: string): Promise<string | undefined> {
  try {
    const sg = simpleGit({ baseDir: dir });
    if (!(await sg.checkIsRepo())) return undefined;
    const inside = (await sg.revparse(['--is-inside-work-tree'])).trim();
    if (inside !== 'true') return undefined;
    return (await sg.revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
}
