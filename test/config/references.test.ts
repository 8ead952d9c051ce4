import { describe, expect, test } from 'vitest'

import { findReferences, ReferenceSyntaxError, resolveReferences } from '../../src/config/references.js'

describe('findReferences', () => {
  test('finds references with and without spaces inside the braces', () => {
    expect(findReferences('token ${{ GITHUB_TOKEN }} and ${{B}}')).toEqual([
      { name: 'GITHUB_TOKEN', start: 6, end: 25 },
      { name: 'B', start: 30, end: 36 },
    ])
  })

  test('accepts tabs around the name', () => {
    expect(findReferences('${{\tX_1\t}}').map((r) => r.name)).toEqual(['X_1'])
  })

  test('finds nothing in a string without ${{', () => {
    expect(findReferences('Bearer abc ${ X } {{ Y }}')).toEqual([])
  })

  test.each([
    ['unclosed', 'Bearer ${{ X'],
    ['empty', '${{ }}'],
    ['leading digit', '${{ 1X }}'],
    ['two words', '${{ A B }}'],
    ['a dash', '${{ A-B }}'],
    ['a single closing brace', '${{ A }'],
    ['a valid one then a broken one', '${{ A }} ${{'],
  ])('refuses a malformed reference: %s', (_what, text) => {
    expect(() => findReferences(text)).toThrow(ReferenceSyntaxError)
  })

  test('reports where the malformed reference starts', () => {
    try {
      findReferences('ok ${{ A }} bad ${{ -x }}')
      expect.unreachable()
    } catch (error) {
      expect((error as ReferenceSyntaxError).index).toBe(16)
    }
  })
})

describe('resolveReferences', () => {
  test('replaces every reference with its value', () => {
    expect(resolveReferences('a ${{ X }} b ${{Y}}', { X: '1', Y: '2' })).toEqual({ value: 'a 1 b 2', missing: [] })
  })

  test('names each missing variable once', () => {
    expect(resolveReferences('${{ A }}${{ B }}${{ A }}', {}).missing).toEqual(['A', 'B'])
  })

  test('keeps an empty value as empty, not missing', () => {
    expect(resolveReferences('x${{ E }}y', { E: '' })).toEqual({ value: 'xy', missing: [] })
  })
})
