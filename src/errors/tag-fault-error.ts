import type { TagFault } from '../domain/resource-tag.js';
import { maxTagKeyLength, maxTagValueLength } from '../domain/resource-tag.js';
import { shownJson } from '../shared/shown.js';
import { apiErrors } from './api-error.js';
import type { ApiError } from './api-error.js';

/** The tag API's code for a fault in a list of tags, said for `where` (such as "tags"). */
export function tagFaultError(fault: TagFault, where: string): ApiError {
  switch (fault.kind) {
    case 'notTag':
      return apiErrors.tagInvalid(
        `Each item of ${where} is {"key", "value"} with string values, not ${shownJson(fault.value, 80)}.`,
      );
    case 'keyEmpty':
      return apiErrors.tagKeyNull(`Each tag of ${where} needs a key that is not empty.`);
    case 'keyTooLong':
      return apiErrors.tagKeyTooLong(
        `Key ${shownJson(fault.key, 80)} in ${where} is longer than ${String(maxTagKeyLength)} characters.`,
      );
    case 'valueTooLong':
      return apiErrors.tagValueTooLong(
        `Value ${shownJson(fault.value, 80)} in ${where} is longer than ${String(maxTagValueLength)} characters.`,
      );
    case 'characters':
      return apiErrors.tagInvalid(
        `${shownJson(fault.text, 80)} in ${where} may hold only letters, digits, hyphens (-), underscores (_) and at signs (@).`,
      );
    case 'duplicateKey':
      return apiErrors.tagKeyDuplicate(fault.key, where);
  }
}
