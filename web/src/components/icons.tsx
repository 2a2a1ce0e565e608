// Inline SVG icons (decorative: aria-hidden; the button or element around them carries the label).
import type { JSX } from 'preact';

type P = JSX.SVGAttributes<SVGSVGElement>;
const base = (props: P, children: JSX.Element | JSX.Element[], viewBox = '0 0 24 24') => (
  <svg viewBox={viewBox} width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false" {...props}>
    {children}
  </svg>
);

export const IconCheck = (p: P) => base(p, <path d="M4 12.5l4.5 4.5L20 6" />);
export const IconDoubleCheck = (p: P) =>
  base(p, [<path key="a" d="M1.5 12.5L6 17 17.5 6" />, <path key="b" d="M11 16l1 1L23 6" />]);
export const IconClock = (p: P) => base(p, [<circle key="a" cx="12" cy="12" r="8.5" />, <path key="b" d="M12 7.5V12l3 2" />]);
export const IconAlert = (p: P) =>
  base(p, [<circle key="a" cx="12" cy="12" r="9" />, <path key="b" d="M12 7v6" />, <path key="c" d="M12 16.5v.5" />]);
export const IconBack = (p: P) => base(p, <path d="M15 5l-7 7 7 7" />);
export const IconInfo = (p: P) =>
  base(p, [<circle key="a" cx="12" cy="12" r="9" />, <path key="b" d="M12 11v6" />, <path key="c" d="M12 7.5v.5" />]);
export const IconSend = (p: P) => base(p, <path d="M4 12l16-8-6 16-2.5-6.5L4 12z" />);
export const IconSmile = (p: P) =>
  base(p, [<circle key="a" cx="12" cy="12" r="9" />, <path key="b" d="M8.5 14.5c1.8 2 5.2 2 7 0" />, <path key="c" d="M9 9.5v.5M15 9.5v.5" />]);
export const IconNote = (p: P) =>
  base(p, [<path key="a" d="M5 4h10l4 4v12H5z" />, <path key="b" d="M9 12h6M9 16h4" />]);
export const IconReply = (p: P) => base(p, [<path key="a" d="M10 8L4 13l6 5" />, <path key="b" d="M4 13h9a7 7 0 017 7" />]);
export const IconX = (p: P) => base(p, <path d="M6 6l12 12M18 6L6 18" />);
export const IconLock = (p: P) =>
  base(p, [<rect key="a" x="5" y="11" width="14" height="9" rx="2" />, <path key="b" d="M8 11V8a4 4 0 018 0v3" />]);
export const IconFile = (p: P) => base(p, [<path key="a" d="M6 3h8l5 5v13H6z" />, <path key="b" d="M14 3v5h5" />]);
export const IconPin = (p: P) =>
  base(p, [<path key="a" d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0113 0c0 5-6.5 11-6.5 11z" />, <circle key="b" cx="12" cy="10" r="2.3" />]);
export const IconTemplate = (p: P) =>
  base(p, [<rect key="a" x="4" y="4" width="16" height="16" rx="2" />, <path key="b" d="M8 9h8M8 13h8M8 17h5" />]);
export const IconUser = (p: P) => base(p, [<circle key="a" cx="12" cy="8" r="4" />, <path key="b" d="M4 21c0-4 4-6 8-6s8 2 8 6" />]);
export const IconInbox = (p: P) =>
  base(p, [<path key="a" d="M3 13l3-8h12l3 8v6H3z" />, <path key="b" d="M3 13h5l1.5 2.5h5L16 13h5" />]);
export const IconSettings = (p: P) =>
  base(p, [
    <circle key="a" cx="12" cy="12" r="3" />,
    <path key="b" d="M19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z" />,
  ]);
export const IconClip = (p: P) =>
  base(p, <path d="M20.5 11.5l-8.3 8.3a5 5 0 01-7.1-7.1l8.7-8.7a3.5 3.5 0 015 5l-8.6 8.6a2 2 0 01-2.8-2.8l7.9-7.9" />);
export const IconBoard = (p: P) =>
  base(p, [<rect key="a" x="3" y="4" width="18" height="16" rx="2" />, <path key="b" d="M9 4v16M15 4v16" />]);
export const IconBell = (p: P) =>
  base(p, [<path key="a" d="M6 10a6 6 0 0112 0c0 5 2 6.5 2 6.5H4S6 15 6 10z" />, <path key="b" d="M10 19.5a2 2 0 004 0" />]);
export const IconMic = (p: P) =>
  base(p, [<rect key="a" x="9" y="3" width="6" height="11" rx="3" />, <path key="b" d="M5.5 11a6.5 6.5 0 0013 0M12 17.5V21" />]);
export const IconTrash = (p: P) =>
  base(p, [<path key="a" d="M4 7h16M9 7V4h6v3" />, <path key="b" d="M6 7l1 13h10l1-13" />]);
export const IconChart = (p: P) => base(p, [<path key="a" d="M4 20V4" />, <path key="b" d="M4 20h16" />, <path key="c" d="M8 16v-5M12 16V8M16 16v-3" />]);
