import styles from './controls.module.css';

/**
 * A placeholder with the widget's final size, shown while its code or model loads, so the page does
 * not shift. For a widget loaded with next/dynamic:
 *
 *   const Sampler = dynamic(() => import('./ReverseSampler').then((m) => m.ReverseSampler), {
 *     ssr: false,
 *     loading: () => <WidgetSkeleton height={520} label="Loading the sampler…" />,
 *   });
 */
export function WidgetSkeleton({ height, label = 'Loading…' }: { height: number | string; label?: string }) {
  return (
    <div className={`${styles.frame} ${styles.skeleton}`} style={{ height }} role="status" aria-busy="true">
      <span className={styles.loading}>{label}</span>
    </div>
  );
}
