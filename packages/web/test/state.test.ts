// The web app's pure parts: the shareable-link state and the optional basemap configuration.
import { describe, expect, it } from 'vitest';
import { basemapStyleUrl, buildStyle, overBasemap } from '../src/mapStyle.ts';
import { readState, writeState } from '../src/url.ts';

describe('shareable link', () => {
  it('round-trips view state, filters, selection, comparison and language', () => {
    const s = readState('?school=syn-26740-primary-1&at=106.7,10.77&level=PRIMARY&ownership=PUBLIC&digital=1&compare=a,b');
    expect(s).toEqual({ school: 'syn-26740-primary-1', place: [106.7, 10.77], filters: { level: 'PRIMARY', ownership: 'PUBLIC', digital: true }, compare: ['a', 'b'] });
    expect(readState(writeState(s, 'en'))).toEqual(s);
    expect(writeState(s, 'en')).toContain('lang=en');
    expect(writeState(s, 'en')).toContain('at=106.700000,10.770000');
  });

  it('drops what a hand-edited link gets wrong instead of breaking', () => {
    const s = readState('?school=%3Cscript%3E&at=500,10&level=KINDERGARTEN&ownership=x&digital=yes&compare=a,a,b,c,d,%27');
    expect(s).toEqual({ school: null, place: null, filters: { level: null, ownership: null, digital: false }, compare: ['a', 'b', 'c'] });
  });
});

describe('optional basemap', () => {
  it('is off unless an http(s) URL is given, and puts our layers on top of it', () => {
    expect(basemapStyleUrl('')).toBeNull();
    expect(basemapStyleUrl('javascript:alert(1)')).toBeNull();
    expect(basemapStyleUrl('not a url')).toBeNull();
    expect(basemapStyleUrl('https://tiles.example.org/style.json')).toBe('https://tiles.example.org/style.json');
    const base = { version: 8 as const, sources: { osm: { type: 'raster' as const, tiles: ['https://x/{z}/{x}/{y}.png'] } }, layers: [{ id: 'osm', type: 'raster' as const, source: 'osm' }] };
    const merged = overBasemap(base, buildStyle('http://localhost'));
    expect(merged.layers[0]!.id).toBe('osm');
    expect(merged.layers.map((l) => l.id)).not.toContain('background');
    expect(merged.layers.map((l) => l.id)).toContain('schools');
    expect(Object.keys(merged.sources)).toEqual(['osm', 'wards', 'schools', 'zone', 'zoned', 'sim']);
  });
});
