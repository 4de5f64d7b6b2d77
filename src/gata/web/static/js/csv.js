// A result as CSV, made in the browser from exactly the rows the table shows: a header of column names, values
// as the API sent them (numbers unformatted, never localized), RFC 4180 quoting. Text starting with = + - @ (or a
// tab or carriage return) would be read as a formula by a spreadsheet: it is prefixed with ' (numbers are not).

const FORMULA = /^[=+\-@\t\r]/;

function cell(value) {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (typeof value === "string" && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => cell(c.name)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c.name])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Offer `text` as a file download (a blob URL, revoked once the browser has it). */
export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
