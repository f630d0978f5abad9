/**
 * A value that another tool fills in before Connect sees it: a shell or envsubst variable (`$DB_PORT`, `${PORT}`),
 * a Connect config-provider reference (`${file:...:port}`), a Jinja/Helm/Mustache expression (`{{ port }}`), an
 * `<angle-bracket>` slot or a `%VAR%`. Its type is unknown until then, so it is not a type error.
 */
const PLACEHOLDER =
  /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|\{%[^%]*%\}|^\s*<[^<>]+>\s*$|%[A-Za-z_][A-Za-z0-9_]*%/;

export function isPlaceholderValue(value: string): boolean {
  return PLACEHOLDER.test(value);
}
