// What the import pipeline tells people, Vietnamese first, English second. Problems are stored as a key and its
// values (never as text), so the preview reads in the language of whoever opens it; the server hands this
// catalogue to i18next under `import.`, the CLI formats it with `describeIssue`.
export type IssueLang = 'vi' | 'en';

/** One problem of a file: `row` is the file's own row number (1 = the header row of a table). */
export interface Issue {
  key: string;
  row?: number;
  column?: string;
  values?: Record<string, string | number>;
}

export const IMPORT_MESSAGES = {
  vi: {
    empty: 'Tệp rỗng: không có dòng dữ liệu nào.',
    tooLarge: 'Tệp quá lớn ({{size}} MB); tối đa {{max}} MB cho mỗi lần nhập. Hãy chia tệp theo tỉnh/thành phố.',
    utf16: 'Tệp được lưu ở mã UTF-16 (Excel "Unicode Text"); đã tự chuyển sang UTF-8.',
    notUtf8: 'Tệp không ở mã UTF-8 (có vẻ là {{guess}}); tên tiếng Việt sẽ bị lỗi dấu. Trong Excel hãy chọn Lưu thành → "CSV UTF-8", rồi nhập lại.',
    unknownFormat: 'Không nhận ra định dạng tệp "{{name}}". Loại dữ liệu này nhận: {{formats}}.',
    wrongFormat: 'Loại dữ liệu này không nhận tệp {{format}}; nhận: {{formats}}.',
    badXlsx: 'Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx ({{detail}}).',
    badGeojson: 'Không đọc được GeoJSON: {{detail}}.',
    badCsv: 'Không đọc được CSV ở dòng {{row}}: {{detail}}.',
    badPbf: 'Tệp không phải OpenStreetMap PBF hợp lệ ({{detail}}).',
    tooManyRows: 'Tệp có {{n}} dòng; tối đa {{max}} dòng mỗi lần nhập.',
    missingColumn: 'Thiếu cột bắt buộc "{{column}}" (tên cột chấp nhận: {{accepted}}).',
    duplicateColumn: 'Cột "{{column}}" xuất hiện hai lần trong dòng tiêu đề.',
    formula: 'Ô {{cell}} chứa công thức ({{formula}}); hãy dán giá trị (Paste Values) thay cho công thức.',
    required: 'Dòng {{row}}: thiếu giá trị ở cột "{{column}}".',
    tooLong: 'Dòng {{row}}: cột "{{column}}" dài quá {{max}} ký tự.',
    duplicateCode: 'Dòng {{row}}: mã trường {{code}} đã có ở dòng {{first}}.',
    unknownLevel: 'Dòng {{row}}: cấp học "{{value}}" không rõ; dùng Mầm non, Tiểu học, THCS, THPT, GDTX (cách nhau bởi ";").',
    unknownOwnership: 'Dòng {{row}}: loại hình "{{value}}" không rõ; dùng Công lập, Tư thục, Dân lập.',
    notNumber: 'Dòng {{row}}: cột "{{column}}" phải là số, không phải "{{value}}".',
    notCount: 'Dòng {{row}}: cột "{{column}}" phải là số nguyên từ 0 đến {{max}}.',
    coordinatesMissing: 'Dòng {{row}}: cần cả kinh độ và vĩ độ, hoặc để trống cả hai.',
    coordinatesSwapped: 'Dòng {{row}}: kinh độ {{lng}} và vĩ độ {{lat}} có vẻ bị đảo chỗ (Việt Nam ở kinh độ 102–110, vĩ độ 8–24).',
    coordinatesProjected: 'Dòng {{row}}: toạ độ {{lng}}, {{lat}} là mét của một hệ chiếu (VN-2000/UTM?), không phải độ; hãy xuất ở WGS 84 (EPSG:4326).',
    coordinatesRange: 'Dòng {{row}}: toạ độ {{lng}}, {{lat}} nằm ngoài khoảng hợp lệ (kinh độ −180..180, vĩ độ −90..90).',
    outsideProvince: 'Dòng {{row}}: điểm {{lng}}, {{lat}} nằm ngoài {{province}}.',
    unknownWard: 'Dòng {{row}}: không có phường/xã hiện hành mã {{code}}.',
    wardOutsideProvince: 'Dòng {{row}}: phường/xã {{code}} không thuộc {{province}}.',
    noPlace: 'Dòng {{row}}: cần toạ độ hoặc mã phường/xã để biết trường ở đâu.',
    wardDisagrees: 'Dòng {{row}}: điểm nằm trong {{actual}}, tệp ghi {{given}}; dùng phường/xã theo điểm.',
    badUrl: 'Dòng {{row}}: trang web "{{value}}" không phải địa chỉ http(s) hợp lệ.',
    notPoint: 'Đối tượng {{row}}: cần hình học Point (điểm), không phải {{type}}.',
    geometryRepaired: 'Đối tượng {{row}}: hình học không hợp lệ đã được sửa ({{detail}}).',
    enrolmentOverCapacity: 'Dòng {{row}}: số học sinh {{enrolment}} lớn hơn sức chứa {{capacity}}.',
    unknownSchool: 'Dòng {{row}}: không có trường mã {{id}} trong dữ liệu.',
    missingKept: 'Trường {{name}} ({{id}}) không có trong tệp nhưng được giữ lại: {{reason}}.',
    keptHasResults: 'có kết quả đánh giá',
    keptHasAccounts: 'có tài khoản cán bộ',
    provinceUnknown: 'Không có tỉnh/thành phố mã {{code}}.',
    stale: 'Dữ liệu đã thay đổi sau khi xem trước (một lần nhập hoặc sửa khác vừa được lưu); hãy xem trước lại rồi mới lưu.',
    notPreview: 'Lần nhập này đang ở trạng thái {{status}}, không thể lưu hay huỷ nữa.',
    hasErrors: 'Tệp còn {{n}} lỗi; sửa tệp rồi nhập lại (không có gì được lưu).',
    revertConflict: 'Không thể hoàn tác: {{n}} trường đã được sửa sau lần nhập này (ví dụ {{name}}). Hãy sửa trực tiếp hoặc nhập lại.',
    revertHasResults: 'Không thể hoàn tác: trường {{name}} do lần nhập này thêm vào nay đã có kết quả đánh giá hoặc tài khoản.',
    notCommitted: 'Chỉ hoàn tác được lần nhập đã lưu và chưa được hoàn tác.',
    schoolYear: 'Năm học "{{value}}" không hợp lệ; viết dạng 2026-2027.',
    levelOption: 'Cấp học "{{value}}" không rõ; dùng PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY hoặc CONTINUING.',
    badUsername: 'Dòng {{row}}: tên đăng nhập "{{value}}" không hợp lệ (3–64 ký tự: chữ thường không dấu, số, ".", "_", "-").',
    unknownRole: 'Dòng {{row}}: vai trò "{{value}}" không rõ; dùng Cán bộ trường, Hiệu trưởng, Cán bộ phường/xã, Chuyên viên Sở.',
    roleNotImportable: 'Dòng {{row}}: tài khoản {{role}} không thuộc tỉnh/thành phố nào nên không nhập bằng tệp; quản trị tạo trong màn hình tài khoản.',
    duplicateUsername: 'Dòng {{row}}: tên đăng nhập {{value}} đã có ở dòng {{first}}.',
    scopeNotTaken: 'Vai trò {{role}} không gắn với trường hay đơn vị nào: để trống phạm vi.',
    scopeNeedsSchool: 'Vai trò {{role}} cần phạm vi là một trường (mã trường hoặc mã định danh).',
    scopeNeedsWard: 'Vai trò {{role}} cần phạm vi là mã một phường/xã hiện hành.',
    scopeNeedsProvince: 'Vai trò {{role}} cần phạm vi là mã tỉnh/thành phố.',
    scopeUnknownSchool: 'Không có trường mã "{{school}}".',
    scopeUnknownWard: 'Không có phường/xã hiện hành mã {{code}}.',
    scopeUnknownProvince: 'Không có tỉnh/thành phố mã {{code}}.',
    accountOutsideProvince: 'Dòng {{row}}: {{value}} không thuộc {{province}}.',
    accountOtherProvince: 'Dòng {{row}}: tài khoản {{value}} đã có và thuộc tỉnh/thành phố khác (hoặc là quản trị/quy hoạch); không đổi bằng lần nhập này.',
    revertAccountConflict: 'Không thể hoàn tác: {{n}} tài khoản đã được sửa sau lần nhập này (ví dụ {{name}}).',
    passwordShort: 'Mật khẩu cần ít nhất 10 ký tự.',
    passwordLong: 'Mật khẩu dài quá 200 ký tự.',
    passwordGuessable: 'Mật khẩu quá dễ đoán (chứa tên đăng nhập, là mật khẩu demo, hoặc quá ít ký tự khác nhau).',
    osmRelation: 'Đối tượng OSM {{ref}} ({{name}}) là một quan hệ (relation): chưa đọc, bỏ qua.',
    osmNoName: 'Đối tượng OSM {{ref}} không có tên: bỏ qua.',
    osmNoPoint: 'Đối tượng OSM {{ref}} ({{name}}) không có điểm nào trong tệp: bỏ qua.',
    osmNothing: 'Tệp OSM không có đối tượng giáo dục nào (amenity=school, kindergarten, college).',
    osmExtractDate: 'Dữ liệu OpenStreetMap tính đến {{date}} (lần sửa mới nhất trong tệp); {{n}} đối tượng giáo dục có tên.',
    osmNoLevel: 'Không suy ra được cấp học của "{{name}}" (không có isced:level, school:level, tên không chứa Mầm non/Tiểu học/THCS/THPT): không nhập.',
    osmOutside: '"{{name}}" nằm ngoài {{province}}: không nhập.',
    osmLevelBy: 'Cấp học {{levels}}, suy ra từ {{by}}.',
    osmMatched: 'Trùng với trường đã có "{{name}}" (cách {{m}} m): giữ dữ liệu đã có, không ghi đè ({{ref}}).',
    osmKept: 'Đã có từ OpenStreetMap ("{{name}}", bản trích {{date}}) từ nguồn mới hơn hoặc khác: giữ nguyên.',
    osmDuplicate: '"{{name}}" đã có trong tệp ({{ref}}, cách {{m}} m): cùng một trường được vẽ hai lần, bỏ qua.',
    osmAmbiguous: '"{{name}}" có thể là {{n}} trường đã có ({{names}}): không nhập; hãy kiểm tra và sửa trực tiếp.',
  },
  en: {
    empty: 'The file is empty: it has no data rows.',
    tooLarge: 'The file is too large ({{size}} MB); an import takes at most {{max}} MB. Split it by province.',
    utf16: 'The file was saved as UTF-16 (Excel\'s "Unicode Text"); it was converted to UTF-8.',
    notUtf8: 'The file is not UTF-8 (it looks like {{guess}}), so Vietnamese names would be garbled. In Excel choose Save As → "CSV UTF-8" and import again.',
    unknownFormat: 'The format of "{{name}}" was not recognised. This kind of data takes: {{formats}}.',
    wrongFormat: 'This kind of data does not take {{format}} files; it takes: {{formats}}.',
    badXlsx: 'The Excel file cannot be read: it is damaged or not .xlsx ({{detail}}).',
    badGeojson: 'The GeoJSON cannot be read: {{detail}}.',
    badCsv: 'The CSV cannot be read at row {{row}}: {{detail}}.',
    badPbf: 'The file is not a valid OpenStreetMap PBF ({{detail}}).',
    tooManyRows: 'The file has {{n}} rows; an import takes at most {{max}}.',
    missingColumn: 'The required column "{{column}}" is missing (accepted names: {{accepted}}).',
    duplicateColumn: 'The column "{{column}}" appears twice in the header row.',
    formula: 'Cell {{cell}} holds a formula ({{formula}}); paste its value (Paste Values) instead.',
    required: 'Row {{row}}: the column "{{column}}" is empty.',
    tooLong: 'Row {{row}}: the column "{{column}}" is longer than {{max}} characters.',
    duplicateCode: 'Row {{row}}: school code {{code}} is already in row {{first}}.',
    unknownLevel: 'Row {{row}}: level "{{value}}" is not known; use Mầm non, Tiểu học, THCS, THPT, GDTX (separated by ";").',
    unknownOwnership: 'Row {{row}}: ownership "{{value}}" is not known; use Công lập, Tư thục, Dân lập (public, private, people-founded).',
    notNumber: 'Row {{row}}: the column "{{column}}" must be a number, not "{{value}}".',
    notCount: 'Row {{row}}: the column "{{column}}" must be a whole number from 0 to {{max}}.',
    coordinatesMissing: 'Row {{row}}: give both longitude and latitude, or neither.',
    coordinatesSwapped: 'Row {{row}}: longitude {{lng}} and latitude {{lat}} look swapped (Vietnam lies at longitude 102–110, latitude 8–24).',
    coordinatesProjected: 'Row {{row}}: the coordinates {{lng}}, {{lat}} are metres of a projection (VN-2000/UTM?), not degrees; export them in WGS 84 (EPSG:4326).',
    coordinatesRange: 'Row {{row}}: the coordinates {{lng}}, {{lat}} are out of range (longitude −180..180, latitude −90..90).',
    outsideProvince: 'Row {{row}}: the point {{lng}}, {{lat}} lies outside {{province}}.',
    unknownWard: 'Row {{row}}: there is no current ward with code {{code}}.',
    wardOutsideProvince: 'Row {{row}}: ward {{code}} is not in {{province}}.',
    noPlace: 'Row {{row}}: give coordinates or a ward code, so the school has a place.',
    wardDisagrees: 'Row {{row}}: the point lies in {{actual}}, the file says {{given}}; the point\'s ward is used.',
    badUrl: 'Row {{row}}: the website "{{value}}" is not a valid http(s) address.',
    notPoint: 'Feature {{row}}: the geometry must be a Point, not {{type}}.',
    geometryRepaired: 'Feature {{row}}: an invalid geometry was repaired ({{detail}}).',
    enrolmentOverCapacity: 'Row {{row}}: enrolment {{enrolment}} is above the capacity {{capacity}}.',
    unknownSchool: 'Row {{row}}: there is no school with id {{id}}.',
    missingKept: 'School {{name}} ({{id}}) is not in the file but is kept: {{reason}}.',
    keptHasResults: 'it has assessment results',
    keptHasAccounts: 'it has staff accounts',
    provinceUnknown: 'There is no province with code {{code}}.',
    stale: 'The data changed after the preview (another import or correction was saved); preview again before committing.',
    notPreview: 'This import is {{status}}; it can no longer be committed or discarded.',
    hasErrors: 'The file still has {{n}} error(s); fix the file and import it again (nothing was written).',
    revertConflict: 'Cannot revert: {{n}} school(s) were changed after this import (for example {{name}}). Correct them directly or import again.',
    revertHasResults: 'Cannot revert: school {{name}}, added by this import, now has assessment results or accounts.',
    notCommitted: 'Only a committed import that has not been reverted can be reverted.',
    schoolYear: 'School year "{{value}}" is not valid; write it as 2026-2027.',
    levelOption: 'Level "{{value}}" is not known; use PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY or CONTINUING.',
    badUsername: 'Row {{row}}: username "{{value}}" is not valid (3–64 characters: lower-case letters without accents, digits, ".", "_", "-").',
    unknownRole: 'Row {{row}}: role "{{value}}" is not known; use Cán bộ trường (school staff), Hiệu trưởng (principal), Cán bộ phường/xã (ward staff), Chuyên viên Sở (province staff).',
    roleNotImportable: 'Row {{row}}: {{role}} accounts belong to no province and are not imported from a file; an admin creates them in the accounts screen.',
    duplicateUsername: 'Row {{row}}: username {{value}} is already in row {{first}}.',
    scopeNotTaken: 'Role {{role}} has no school or unit: leave the scope empty.',
    scopeNeedsSchool: 'Role {{role}} needs a school as its scope (its id or official code).',
    scopeNeedsWard: 'Role {{role}} needs the code of a current ward as its scope.',
    scopeNeedsProvince: 'Role {{role}} needs a province code as its scope.',
    scopeUnknownSchool: 'There is no school "{{school}}".',
    scopeUnknownWard: 'There is no current ward with code {{code}}.',
    scopeUnknownProvince: 'There is no province with code {{code}}.',
    accountOutsideProvince: 'Row {{row}}: {{value}} is not in {{province}}.',
    accountOtherProvince: 'Row {{row}}: account {{value}} exists and belongs to another province (or is an admin/planner); this import does not change it.',
    revertAccountConflict: 'Cannot revert: {{n}} account(s) were changed after this import (for example {{name}}).',
    passwordShort: 'The password needs at least 10 characters.',
    passwordLong: 'The password is longer than 200 characters.',
    passwordGuessable: 'The password is too easy to guess (it holds the username, is the demo password, or has too few different characters).',
    osmRelation: 'OSM object {{ref}} ({{name}}) is a relation: not read, skipped.',
    osmNoName: 'OSM object {{ref}} has no name: skipped.',
    osmNoPoint: 'OSM object {{ref}} ({{name}}) has no point in the file: skipped.',
    osmNothing: 'The OSM file has no education objects (amenity=school, kindergarten, college).',
    osmExtractDate: 'OpenStreetMap data as of {{date}} (the newest edit in the file); {{n}} named education objects.',
    osmNoLevel: 'The level of "{{name}}" cannot be inferred (no isced:level or school:level, and its name says neither Mầm non, Tiểu học, THCS nor THPT): not imported.',
    osmOutside: '"{{name}}" lies outside {{province}}: not imported.',
    osmLevelBy: 'Levels {{levels}}, inferred from {{by}}.',
    osmMatched: 'Matches the stored school "{{name}}" ({{m}} m away): the stored data is kept, not overwritten ({{ref}}).',
    osmKept: 'Already stored from OpenStreetMap ("{{name}}", extract {{date}}) from a newer or other source: kept.',
    osmDuplicate: '"{{name}}" is already in the file ({{ref}}, {{m}} m away): one school mapped twice, skipped.',
    osmAmbiguous: '"{{name}}" could be any of {{n}} stored schools ({{names}}): not imported; check and correct them directly.',
  },
} as const satisfies Record<IssueLang, Record<string, string>>;

export type IssueKey = keyof typeof IMPORT_MESSAGES.vi;

/** The issue in words, with its row and column where it has them. */
export function describeIssue(issue: Issue, lang: IssueLang = 'vi'): string {
  const template: string = IMPORT_MESSAGES[lang][issue.key as IssueKey] ?? issue.key;
  const values: Record<string, string | number | undefined> = { row: issue.row, column: issue.column, ...issue.values };
  // A message shared with the account screen names no row; in a file it gets one.
  const prefix = issue.row !== undefined && !template.includes('{{row}}') && /^scope|^password/.test(issue.key) ? (lang === 'vi' ? `Dòng ${issue.row}: ` : `Row ${issue.row}: `) : '';
  return prefix + template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(values[k] ?? ''));
}

/** A problem that stops the whole file (nothing is parsed further); the pipeline records it as the import's error. */
export class ImportFileError extends Error {
  constructor(readonly issue: Issue) {
    super(describeIssue(issue, 'en'));
  }
}

/** A refused commit or revert (stale preview, wrong status, conflicts): the caller answers it as a user error. */
export class ImportRefused extends Error {
  constructor(readonly issue: Issue, readonly code: 'IMPORT_STALE' | 'IMPORT_STATE' | 'IMPORT_CONFLICT' | 'IMPORT_INVALID' = 'IMPORT_STATE') {
    super(describeIssue(issue, 'en'));
  }
}
