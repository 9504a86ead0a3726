/** A maths symbol in running text: <Sym v="x" sub="t" /> is x with subscript t, in the page's var style. */
export function Sym({ v, sub }: { v: string; sub?: string }) {
  return (
    <>
      <var>{v}</var>
      {sub !== undefined && <sub>{sub}</sub>}
    </>
  );
}
