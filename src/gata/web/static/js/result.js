// Reading a query's answer (POST /semantic-layer/{tenant}/query).

/** The column description (format, currency) of a result's field. */
export const col = (result, name) => result.columns.find((c) => c.name === name);
