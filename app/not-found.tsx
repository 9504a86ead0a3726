import Link from 'next/link';

export default function NotFound() {
  return (
    <main id="main" className="page">
      <h1>Page not found</h1>
      <p className="lead">There is no page at this address (404).</p>
      <p>
        The chapters are listed on the <Link href="/#chapters">home page</Link>.
      </p>
    </main>
  );
}
