// Reading images the user attaches (file picker, paste, drop) into data: URLs, with the
// same limits Go enforces, so a bad file is refused at once with a reason.

/** DashScope accepts images up to 10 MB; Go checks the same. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES = 6;
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp'];

export type AttachProblem = { kind: 'type' | 'size' | 'count' | 'read'; name: string };

/** Reads the files that are acceptable images; the rest come back as problems. */
export async function readImages(files: File[], already: number): Promise<{ urls: string[]; problems: AttachProblem[] }> {
  const urls: string[] = [];
  const problems: AttachProblem[] = [];
  for (const f of files) {
    if (!IMAGE_TYPES.includes(f.type)) problems.push({ kind: 'type', name: f.name });
    else if (f.size > MAX_IMAGE_BYTES) problems.push({ kind: 'size', name: f.name });
    else if (already + urls.length >= MAX_IMAGES) problems.push({ kind: 'count', name: f.name });
    else {
      try {
        urls.push(await dataURL(f));
      } catch {
        problems.push({ kind: 'read', name: f.name });
      }
    }
  }
  return { urls, problems };
}

function dataURL(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

/** Vision-capable model ids, by DashScope's naming (a hint only: any model may be tried). */
export function modelSeesImages(model: string): boolean {
  const m = model.toLowerCase();
  return m.includes('-vl') || m.startsWith('qvq') || m.includes('omni');
}

/** The vision model to offer when the current one cannot see images: qwen3-vl-plus when the
 * account lists it (or lists nothing), else the first vision model it lists. */
export function visionModelFor(models: string[]): string {
  const seeing = models.filter(modelSeesImages);
  return seeing.includes('qwen3-vl-plus') || !seeing.length ? 'qwen3-vl-plus' : seeing[0];
}
