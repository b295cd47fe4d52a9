import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const ContactSupportBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
    message: Type.String({
      description: "What the user needs help with (1 to 5000 characters, not only spaces).",
      minLength: 1,
      maxLength: 5000,
      pattern: "\\S",
      examples: ["I changed phones and cannot sign in any more."],
    }),
    email: Type.Optional(
      Type.String({
        description:
          "Where support should reply. Defaults to the email of the account registered with this number, if any.",
        format: "email",
        maxLength: 254,
        examples: ["asha@example.com"],
      }),
    ),
    subject: Type.Optional(
      Type.String({
        description: "A short subject; without it the first words of the message are used.",
        minLength: 1,
        maxLength: 200,
        examples: ["Cannot sign in on my new phone"],
      }),
    ),
    name: Type.Optional(
      Type.String({
        description: "The sender's name, as they want to be addressed.",
        minLength: 1,
        maxLength: 200,
        examples: ["Asha Verma"],
      }),
    ),
  },
  {
    examples: [
      {
        mobile: "9812345678",
        country_code: "+91",
        message: "I changed phones and cannot sign in any more.",
        email: "asha@example.com",
        subject: "Cannot sign in on my new phone",
        name: "Asha Verma",
      },
    ],
  },
);

export const TicketCreated = Type.Object({
  ticket_id: Type.String({
    format: "uuid",
    description: "The id of the stored ticket; quote it when writing again about the same problem.",
    examples: ["0193b0a6-2a3b-7c4d-8e5f-6a7b8c9d0e1f"],
  }),
});

export const ticketExample = { ticket_id: "0193b0a6-2a3b-7c4d-8e5f-6a7b8c9d0e1f" };
