// Types for scripts/readme-quickstart.mjs, which test/unit/docs.test.ts imports.
export declare const QUICKSTART_HEADING: string;
export declare function quickstartLines(readme: string): string[];
export declare function newShellEnv(parent: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv;
