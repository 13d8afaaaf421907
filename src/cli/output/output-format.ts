/** `--output`, in the style of `airflow … -o`: a table for people, or one document for scripts. */
export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
