/** Trap tables imported as text (esbuild's text loader; a vitest plugin in tests). */
declare module '*.traps' {
  const text: string;
  export default text;
}
