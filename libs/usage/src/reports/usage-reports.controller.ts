import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ApiQueryErrors, Authenticated } from '#common';
import { UsageReport, UsageReportQuery } from './dto/usage-report.dto';
import { UsageReportsService } from './usage-reports.service';

const CSV_DESCRIPTION =
  'With `format=csv`: every row of the report (paging ignored), streamed as `text/csv; charset=utf-8` (RFC 4180: CRLF, ' +
  'quoted fields; a text starting with =, +, -, @ gets a leading apostrophe so spreadsheets never run it), header line ' +
  '`key,label,calls,prompt_tokens,completion_tokens,total_tokens,cost,estimated_calls`, null as an empty field, as ' +
  '`Content-Disposition: attachment; filename="usage-by-<group_by>-<from>-to-<to>.csv"`. No totals line: sum the columns.';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/usage')
export class UsageReportsController {
  constructor(private readonly reports: UsageReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Usage by user, group, agent, model, purpose, day or month, with totals (JSON or CSV)' })
  @ApiExtraModels(UsageReport)
  @ApiOkResponse({
    description: `A page of rows and the totals of the whole range (JSON). ${CSV_DESCRIPTION}`,
    headers: { 'Content-Disposition': { description: 'With `format=csv` only: the attachment\'s file name.', schema: { type: 'string' } } },
    content: {
      'application/json': { schema: { $ref: getSchemaPath(UsageReport) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiQueryErrors()
  async report(@Query() query: UsageReportQuery): Promise<UsageReport | StreamableFile> {
    if (query.format === 'json') return this.reports.report(query);
    const { filename, lines } = await this.reports.csv(query);
    // StreamableFile cuts the connection on a failure after the headers, so a client never takes a short file for a whole one.
    return new StreamableFile(Readable.from(lines), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
  }
}
