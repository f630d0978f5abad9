// Types for scripts/error-codes.mjs, which test/unit/docs-error-codes.test.ts imports.
export interface Raise {
  code: string;
  message: string;
  hint: string | undefined;
  exit: string[];
  where: string;
}
export declare function collectRaises(root: string): Raise[];
export declare function runbookCodes(root: string): { page: string; title: string; codes: string[] }[];
export declare function renderErrorCodeDocs(root: string): string;
