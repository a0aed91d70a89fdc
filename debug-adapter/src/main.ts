/** The nvlab debug adapter: DAP over stdio (VS Code starts it as a DebugAdapterExecutable). */
import { DebugSession } from '@vscode/debugadapter';
import { NvlabSession } from './session.js';

DebugSession.run(NvlabSession);
