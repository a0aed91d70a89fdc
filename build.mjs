// Bundles the CLI and the emulator library with esbuild. Run by `npm ci` (prepare) and `npm run build`.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The default trap table is part of the emulator, embedded as text.
  loader: { '.traps': 'text' },
};

await Promise.all([
  build({ ...common, entryPoints: ['emulator/cli/main.ts'], outfile: 'dist/cli.cjs' }),
  build({ ...common, entryPoints: ['emulator/index.ts'], outfile: 'dist/emulator.cjs' }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.cjs' }),
  build({ ...common, entryPoints: ['debug-adapter/src/main.ts'], outfile: 'dist/debug-adapter.cjs' }),
  // The extension itself; `vscode` is the editor's, not bundled.
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.cjs', external: ['vscode'] }),
]);
