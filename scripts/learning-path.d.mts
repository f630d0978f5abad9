// Types for scripts/learning-path.mjs, which test/unit/docs-learning-path.test.ts imports.
export declare function episodeRows(root: string): string[];
export declare function renderLearningPath(root: string, page: string): string;
