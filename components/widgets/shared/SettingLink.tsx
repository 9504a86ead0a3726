'use client';
import { useState } from 'react';
import { urlWithSettings, type UrlSpec } from '@/lib/url-settings';
import controls from './controls.module.css';

/**
 * "Link to this setting": writes the widget's settings into the address (replacing the history
 * entry, so Back still leaves the page), copies it when the browser allows, and always shows it.
 * Under it, what a linked address got wrong, if anything (the widget kept its defaults for those).
 */
export function SettingLink<S>({ prefix, spec, settings, problems }: { prefix: string; spec: UrlSpec<S>; settings: S; problems: string[] }) {
  const [link, setLink] = useState<{ url: string; copied: boolean } | null>(null);
  const make = async () => {
    // On an assignment's page the hash holds the assignment (#a=...): it stays, so the link still opens it.
    const hash = window.location.hash.slice(1);
    const url = urlWithSettings(window.location.href, prefix, spec, settings, /(?:^|&)a=/.test(hash) ? hash : `w-${prefix}`);
    window.history.replaceState(window.history.state, '', url);
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard permission (or an insecure origin): the link is shown to copy by hand.
    }
    setLink({ url, copied });
  };
  return (
    <div className={controls.settingLink} data-testid={`${prefix}-link-box`}>
      <button type="button" className={controls.button} onClick={make} data-testid={`${prefix}-link`}>
        Link to this setting
      </button>
      {link && (
        <span role="status" className={controls.muted}>
          {link.copied ? 'Copied: ' : 'Copy this link: '}
          <input readOnly value={link.url} aria-label="Link to this setting" onFocus={(e) => e.currentTarget.select()} data-testid={`${prefix}-link-url`} />
        </span>
      )}
      {problems.length > 0 && (
        <p className={controls.linkProblems} role="status" data-testid={`${prefix}-link-problems`}>
          The link’s settings were not all usable, so these stay at their defaults: {problems.join('; ')}.
        </p>
      )}
    </div>
  );
}
