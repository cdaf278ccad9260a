// A form field's text that follows its value from the store (undo, another panel) without
// rewriting what the user is typing when the text already stands for that value.
import { useEffect, useState } from "react";

export function useSyncedText(
  value: unknown,
  format: (v: unknown) => string,
  parse: (text: string) => { ok: boolean; value?: unknown },
): [string, (t: string) => void] {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    setText((cur) => {
      const p = parse(cur);
      return p.ok && JSON.stringify(p.value) === JSON.stringify(value) ? cur : format(value);
    });
    // format/parse are pure helpers; the value is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  return [text, setText];
}
