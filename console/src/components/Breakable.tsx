// Text without spaces (a bucket and prefix, an endpoint URL) given places to wrap: after
// each '/', '.', ':', '_', '?', '&' and '=' (a hyphen already is one). A table column can
// then be narrower than the whole string without cutting it off, and lines break between
// its parts, not inside them. Copying the text copies it whole (<wbr> adds no character).
import { Fragment } from 'react';

export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[/.:_?&=])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
