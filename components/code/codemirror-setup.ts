/**
 * CodeMirror 6 for the cells and code exercises, loaded only when one comes near the viewport (a
 * dynamic import of this file). JavaScript highlighting, the basic editing set-up, Shift+Enter to
 * run, and colours from the site's CSS variables (light and dark).
 */
import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { javascript } from '@codemirror/lang-javascript';

const theme = EditorView.theme({
  '&': { fontSize: '0.86rem', backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '6px' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--fg-faint)', border: 'none', borderRadius: '6px 0 0 6px' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 50%, transparent)' },
  '.cm-scroller': { overflow: 'auto', maxHeight: '28rem' },
});

export function createEditor(parent: HTMLElement, doc: string, label: string, onChange: (code: string) => void, onRun: () => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(keymap.of([{ key: 'Shift-Enter', run: () => (onRun(), true) }])),
        basicSetup,
        javascript(),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}
