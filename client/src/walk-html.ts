/**
 * The HTML of the translation-walk view (no editor API here, so it is tested
 * on its own): one box per level with the descriptor, its type and fields,
 * arrows between levels, and the output address or the fault.
 */
export interface Step {
  /** 1 or 2 (adapters before the field existed: absent). */
  stage?: number;
  level: number;
  address: string;
  pa: string;
  descriptor: string;
  type: string;
  output: string;
  fields: Record<string, number>;
}
export interface Walk {
  address: string;
  el: number;
  /** e.g. "EL1&0, stage 1 + stage 2". */
  regime?: string;
  steps: Step[];
  result: { pa?: string; size?: number; fault?: string };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function walkHtml(w: Walk): string {
  const levels = w.steps
    .map((s, i) => {
      const fields = Object.entries(s.fields)
        .map(([k, v]) => `<span class="field">${esc(k)} = ${v}</span>`)
        .join(' ');
      const arrow = i + 1 < w.steps.length ? '<div class="arrow">↓</div>' : '';
      return `<div class="level ${esc(s.type)}"><div class="head">${s.stage ? `Stage ${s.stage}, level` : 'Level'} ${s.level} — ${esc(s.type)}</div><div>descriptor at ${esc(s.address)}${s.pa !== s.address ? ` (PA ${esc(s.pa)})` : ''}: <code>${esc(s.descriptor)}</code></div>${s.type === 'invalid' ? '' : `<div>output ${esc(s.output)}</div>`}<div>${fields}</div></div>${arrow}`;
    })
    .join('');
  const result = w.result.fault ? `<div class="result fault">Fault: ${esc(w.result.fault)}</div>` : `<div class="result ok">PA ${esc(w.result.pa ?? '?')} (${w.result.size} byte ${w.result.size === 4096 ? 'page' : 'block'})</div>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';"><style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
.level { border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 6px 10px; margin: 4px 0; }
.level.invalid { border-color: var(--vscode-errorForeground); }
.head { font-weight: bold; }
.field { display: inline-block; margin-right: 12px; font-family: var(--vscode-editor-font-family); }
.arrow { margin-left: 20px; }
.result { margin-top: 10px; font-weight: bold; }
.fault { color: var(--vscode-errorForeground); }
</style></head><body><h2>Walk of ${esc(w.address)} (${w.regime ? esc(w.regime) : `EL${w.el}`} regime)</h2>${levels || '<div>No stage is on: the address is used as it is.</div>'}${result}</body></html>`;
}

