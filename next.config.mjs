/**
 * DiT Lab is a static site: `next build` writes plain files to out/ that any static host or CDN can
 * serve (scripts/serve.mjs serves them locally). Chapters are compiled from MDX at build time by
 * app/chapters/[slug]/page.tsx through lib/mdx-pipeline.ts, so no MDX loader is configured here.
 *
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  output: 'export',
  // /chapters/<slug>/ is written as chapters/<slug>/index.html, which every static host serves.
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  // `npm run typecheck` (the first step of `npm test`) checks the whole repository; checking it again inside every
  // build would double the build time on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  // Pages are pre-rendered while training jobs load both cores: the default 60 s per page times out there.
  staticPageGenerationTimeout: 600,
};

export default nextConfig;
